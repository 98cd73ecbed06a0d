// Worker thread that reads the credential file in a tight loop until the test sets the stop
// flag, the way kvssink may read it while the refresher replaces it.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

import { parseCredentialFile } from '../../lib/credentials/index.js';

interface ReaderData {
  path: string;
  /** Int32Array view: index 0 becomes 1 when the reader must stop. */
  stop: SharedArrayBuffer;
}

const { path, stop } = workerData as ReaderData;
const flag = new Int32Array(stop);

let reads = 0;
let failures = 0;
const failureCodes = new Set<string>();
const keyIds = new Set<string>();

while (Atomics.load(flag, 0) === 0) {
  const text = readFileSync(path, 'utf8');
  reads += 1;

  try {
    keyIds.add(parseCredentialFile(text).accessKeyId);
  } catch (error) {
    failures += 1;
    failureCodes.add(`${(error as { code?: string }).code ?? 'unknown'} (${text.length} bytes)`);
  }
}

parentPort?.postMessage({
  reads,
  failures,
  failureCodes: [...failureCodes],
  distinctKeys: keyIds.size,
});
