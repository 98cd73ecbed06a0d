import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

import { KVSSINK_LIMITS, KVSSINK_STATUS } from '../credentials/index.js';

/** The bytes of a credential file, or why kvssink could not read them. */
export type CredentialFileRead =
  { ok: true; bytes: Buffer } | { ok: false; problem: string; status?: number };

/**
 * Reads a credential file for `credentials check`. Only a regular file under kvssink's size
 * limit is read: a FIFO would block the read, and a device may never end.
 */
export async function readCredentialFile(path: string): Promise<CredentialFileRead> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    return cannotRead(path, error);
  }
  const notRegular = describeNonRegular(path, stats);
  if (notRegular !== null) {
    return notRegular;
  }

  // O_NONBLOCK keeps open() from waiting for a writer if a FIFO replaced the file since stat().
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return cannotRead(path, error);
  }
  try {
    const opened = await handle.stat();
    const replaced = describeNonRegular(path, opened);
    if (replaced !== null) {
      return replaced;
    }
    if (opened.size >= KVSSINK_LIMITS.fileBytes) {
      return tooLong(opened.size);
    }

    const bytes = await handle.readFile();
    return bytes.length >= KVSSINK_LIMITS.fileBytes ? tooLong(bytes.length) : { ok: true, bytes };
  } catch (error) {
    return cannotRead(path, error);
  } finally {
    await handle.close();
  }
}

function describeNonRegular(path: string, stats: Stats): CredentialFileRead | null {
  if (stats.isFile()) {
    return null;
  }
  let kind = 'not a regular file';
  if (stats.isDirectory()) {
    kind = 'a directory';
  } else if (stats.isFIFO()) {
    kind = 'a FIFO';
  } else if (stats.isSocket()) {
    kind = 'a socket';
  } else if (stats.isCharacterDevice() || stats.isBlockDevice()) {
    kind = 'a device';
  }
  return { ok: false, problem: `${path} is ${kind}; kvssink needs a regular file` };
}

function tooLong(size: number): CredentialFileRead {
  return {
    ok: false,
    problem: `The credential file is ${size} bytes; kvssink reads files under ${KVSSINK_LIMITS.fileBytes} bytes`,
    status: KVSSINK_STATUS.invalidFileLength,
  };
}

function cannotRead(path: string, error: unknown): CredentialFileRead {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return {
    ok: false,
    problem: `cannot read ${path}: ${code}`,
    status: KVSSINK_STATUS.fileOpenFailed,
  };
}
