import { readFile } from 'node:fs/promises';

import { parseCredentialFile, redactKeyId } from '../credentials/index.js';
import { formatStatus } from '../kvs/fragment-ack.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { formatDuration } from './output.js';

// kvssink's status for a credential file it cannot open.
const STATUS_MISSING_FILE = 0x15000022;

/**
 * Runs `gst-kvs credentials check FILE`: reads the file as kvssink would and prints whether
 * kvssink accepts it. Prints the key id only redacted, never a secret.
 */
export async function checkCredentialFile(path: string): Promise<ExitCodeValue> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    process.stdout.write(
      `invalid for kvssink: cannot read ${path}: ${code} (kvssink status ${formatStatus(STATUS_MISSING_FILE)})\n`,
    );
    return ExitCode.pipelineError;
  }

  try {
    const now = new Date();
    const parsed = parseCredentialFile(text, now);
    const key = redactKeyId(parsed.accessKeyId);
    const token = parsed.sessionToken === undefined ? 'no session token' : 'with session token';
    if (parsed.expiration === undefined) {
      process.stdout.write(`valid for kvssink: key ${key}, long-term (no expiration), ${token}\n`);
    } else {
      const seconds = (parsed.expiration.getTime() - now.getTime()) / 1000;
      process.stdout.write(
        `valid for kvssink: key ${key}, expires ${formatExpiration(parsed.expiration)} ` +
          `(in ${formatDuration(seconds)}), ${token}\n`,
      );
    }
    return ExitCode.eos;
  } catch (error) {
    process.stdout.write(`invalid for kvssink: ${(error as Error).message}\n`);
    return ExitCode.pipelineError;
  }
}

/** ISO 8601 without milliseconds, as in the file. */
function formatExpiration(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
