import { parseCredentialFile, redactKeyId } from '../credentials/index.js';
import { formatStatus } from '../kvs/fragment-ack.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { formatDuration } from './output.js';
import { readCredentialFile } from './read-credential-file.js';

/**
 * Runs `gst-kvs credentials check FILE`: reads the file as kvssink would and prints whether
 * kvssink accepts it. Prints the key id only redacted, never a secret. Returns 0 when kvssink
 * accepts the file, and 1 when it would not, including when the path is not a regular file.
 */
export async function checkCredentialFile(path: string): Promise<ExitCodeValue> {
  const file = await readCredentialFile(path);
  if (!file.ok) {
    const status =
      file.status === undefined ? '' : ` (kvssink status ${formatStatus(file.status)})`;
    process.stdout.write(`invalid for kvssink: ${file.problem}${status}\n`);
    return ExitCode.pipelineError;
  }

  // NOTE: the parser takes text, so bytes that are not UTF-8 reach it as U+FFFD characters.
  const text = file.bytes.toString('utf8');
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
