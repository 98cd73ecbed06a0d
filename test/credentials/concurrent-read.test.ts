import { expect } from 'chai';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import {
  CredentialRefresher,
  FileTarget,
  type AwsCredentials,
} from '../../lib/credentials/index.js';
import { useTempDir } from '../helpers/temp.js';
import { fakeCredentials, watchRefresher } from './secret-watch.js';

interface ReaderResult {
  reads: number;
  failures: number;
  failureCodes: string[];
  distinctKeys: number;
}

describe('credential file under concurrent reads', () => {
  const tempDir = useTempDir('gst-kvs-concurrent-');

  it('never shows a reader a partial file', async function () {
    this.timeout(60_000);
    const path = join(tempDir(), 'credential');
    const rewrites = 300;

    // Each set expires a minute after the previous one, so every refresh is long enough,
    // and token lengths vary so that a torn read would not parse.
    let serial = 0;
    const start = Date.now();
    const source = async (): Promise<AwsCredentials> => {
      serial += 1;
      return fakeCredentials({
        lifetimeSeconds: (start - Date.now()) / 1000 + 3600 + serial * 60,
        tokenLength: 200 + ((serial * 397) % 1800),
      });
    };

    const refresher = new CredentialRefresher({ source, targets: [new FileTarget(path)] });
    watchRefresher(refresher);
    await refresher.start();

    const stop = new SharedArrayBuffer(4);
    const worker = new Worker(new URL('./file-reader-worker.js', import.meta.url), {
      workerData: { path, stop },
    });
    const result = new Promise<ReaderResult>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });

    try {
      for (let i = 0; i < rewrites; i += 1) {
        await refresher.refresh();
      }
    } finally {
      Atomics.store(new Int32Array(stop), 0, 1);
      refresher.stop();
    }

    const { reads, failures, failureCodes, distinctKeys } = await result;
    await worker.terminate();

    expect(failures, `failed reads: ${failureCodes.join(', ')}`).to.equal(0);
    expect(reads).to.be.above(1000);
    expect(distinctKeys).to.be.above(10);
  });
});
