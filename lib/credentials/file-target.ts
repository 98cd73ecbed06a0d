import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, parse, resolve, sep } from 'node:path';

import { CredentialError } from './errors.js';
import { formatCredentialFile } from './kvssink-file.js';
import type { AwsCredentials, CredentialTarget } from './types.js';

/**
 * Credential target that writes kvssink's credential file (its `credential-path` property).
 * Each write replaces the file atomically, so a reader sees either the old or the new file,
 * never a partial one. The file has mode 0600.
 */
export class FileTarget implements CredentialTarget {
  /** Absolute path of the credential file. */
  readonly path: string;
  readonly description: string;

  // Tail of the queue that runs writes one at a time.
  #queue: Promise<void> = Promise.resolve();

  constructor(path: string) {
    if (typeof path !== 'string' || path === '') {
      throw new TypeError(`FileTarget path must be a non-empty string, received ${String(path)}`);
    }

    this.path = resolve(path);
    this.description = `file ${this.path}`;
  }

  /**
   * Validates and writes credentials. Invalid credentials reject with a CredentialError and
   * leave the old file untouched; a failed write rejects with code 'write-failed'.
   */
  write(credentials: AwsCredentials): Promise<void> {
    const result = this.#queue.then(() => this.#writeNow(credentials));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #writeNow(credentials: AwsCredentials): Promise<void> {
    const text = formatCredentialFile(credentials);
    const directory = dirname(this.path);
    const temporaryPath = join(
      directory,
      `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );

    try {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      await writeDurably(temporaryPath, text);
      await rename(temporaryPath, this.path);
    } catch (error) {
      await rm(temporaryPath, { force: true }).catch(() => undefined);
      throw writeFailed(this.path, error, await findNonDirectory(directory));
    }

    // After the rename the new file is in place; syncing the directory makes the rename durable.
    try {
      await syncDirectory(directory);
    } catch (error) {
      throw writeFailed(this.path, error);
    }
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  // 'wx' fails if the name exists, so a symlink planted at the temporary name is never followed.
  const handle = await open(path, 'wx', 0o600);

  try {
    // The umask can only clear bits of 0600, but the mode is set explicitly for certainty.
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');

  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory; the rename has happened all the same.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') {
      throw error;
    }
  } finally {
    await handle.close();
  }
}

// Returns the first existing component of the path that is not a directory, if any. mkdir
// reports such a component as EEXIST or ENOTDIR without naming it.
async function findNonDirectory(directory: string): Promise<string | undefined> {
  const root = parse(directory).root;
  const parts = directory
    .slice(root.length)
    .split(sep)
    .filter((part) => part !== '');
  let current = root;

  for (const part of parts) {
    current = join(current, part);
    try {
      if (!(await stat(current)).isDirectory()) {
        return current;
      }
    } catch {
      // A missing component (or one that cannot be read) ends the search.
      return undefined;
    }
  }
  return undefined;
}

function writeFailed(path: string, error: unknown, nonDirectory?: string): CredentialError {
  const code = (error as NodeJS.ErrnoException)?.code ?? 'unknown error';
  const syscall = (error as NodeJS.ErrnoException)?.syscall;
  let detail = syscall === undefined ? code : `${code} in ${syscall}`;

  if (nonDirectory !== undefined) {
    detail = `${nonDirectory} is not a directory (${detail})`;
  }

  return new CredentialError(
    'write-failed',
    `Failed to write the credential file ${path}: ${detail}`,
    {
      cause: error,
    },
  );
}
