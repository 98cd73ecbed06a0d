import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates a fresh directory under the system temporary directory. */
export function createTempDir(prefix = 'gst-kvs-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a directory made by `createTempDir` and everything in it. */
export async function removeTempDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/**
 * Registers mocha hooks that give each test a fresh temporary directory and remove it after.
 * Returns a getter for the current test's directory.
 */
export function useTempDir(prefix?: string): () => string {
  let current: string | undefined;

  beforeEach(async () => {
    current = await createTempDir(prefix);
  });

  afterEach(async () => {
    if (current !== undefined) {
      await removeTempDir(current);
      current = undefined;
    }
  });

  return () => {
    if (current === undefined) {
      throw new Error('useTempDir(): the directory exists only while a test runs');
    }
    return current;
  };
}
