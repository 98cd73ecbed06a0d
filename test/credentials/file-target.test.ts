import { expect } from 'chai';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import {
  FileTarget,
  formatCredentialFile,
  parseCredentialFile,
} from '../../lib/credentials/index.js';
import { useTempDir } from '../helpers/temp.js';
import { fakeCredentials, rejectionOf } from './secret-watch.js';

describe('FileTarget', () => {
  const tempDir = useTempDir('gst-kvs-file-target-');

  it('writes a file kvssink can read', async () => {
    const path = join(tempDir(), 'credential');
    const credentials = fakeCredentials({ lifetimeSeconds: 90 });

    await new FileTarget(path).write(credentials);

    const parsed = parseCredentialFile(await readFile(path, 'utf8'));
    expect(parsed.secretAccessKey).to.equal(credentials.secretAccessKey);
    expect(parsed.sessionToken).to.equal(credentials.sessionToken);
  });

  it('creates the file with mode 0600', async () => {
    const path = join(tempDir(), 'credential');
    await new FileTarget(path).write(fakeCredentials({ lifetimeSeconds: 90 }));

    expect((await stat(path)).mode & 0o777).to.equal(0o600);
  });

  it('creates missing directories with mode 0700', async () => {
    const directory = join(tempDir(), 'run', 'kvs');
    const path = join(directory, 'credential');
    await new FileTarget(path).write(fakeCredentials({ lifetimeSeconds: 90 }));

    expect((await stat(directory)).mode & 0o777).to.equal(0o700);
    expect((await stat(join(tempDir(), 'run'))).mode & 0o777).to.equal(0o700);
  });

  it('resolves a relative path', () => {
    const target = new FileTarget('.kvs/credential');

    expect(target.path).to.equal(resolve('.kvs/credential'));
    expect(target.description).to.equal(`file ${resolve('.kvs/credential')}`);
  });

  it('keeps the old file on invalid credentials', async () => {
    const path = join(tempDir(), 'credential');
    const target = new FileTarget(path);
    await target.write(fakeCredentials({ lifetimeSeconds: 90 }));
    const before = await readFile(path, 'utf8');

    const invalid = { ...fakeCredentials({ lifetimeSeconds: 90 }), sessionToken: 'T'.repeat(2048) };
    await rejectionOf(target.write(invalid), 'too-long');

    expect(await readFile(path, 'utf8')).to.equal(before);
    expect(await readdir(tempDir())).to.deep.equal(['credential']);
  });

  it('keeps the old file when the directory cannot be created', async () => {
    // A regular file where a directory should be makes mkdir fail even for root.
    const blocker = join(tempDir(), 'not-a-directory');
    await writeFile(blocker, 'x');
    const path = join(blocker, 'kvs', 'credential');

    const error = await rejectionOf(
      new FileTarget(path).write(fakeCredentials({ lifetimeSeconds: 90 })),
      'write-failed',
    );

    expect(error.message).to.contain(path);
    expect(error.message).to.contain(`${blocker} is not a directory`);
    expect(error.message).to.contain('ENOTDIR');
    expect(await readFile(blocker, 'utf8')).to.equal('x');
  });

  it('names a regular file as the directory', async () => {
    // mkdir reports EEXIST here, which does not say that the path is a regular file.
    const blocker = join(tempDir(), 'not-a-directory');
    await writeFile(blocker, 'x');

    const error = await rejectionOf(
      new FileTarget(join(blocker, 'credential')).write(fakeCredentials({ lifetimeSeconds: 90 })),
      'write-failed',
    );

    expect(error.message).to.contain(`${blocker} is not a directory`);
    expect(await readFile(blocker, 'utf8')).to.equal('x');
  });

  it('keeps the old file on a multibyte session token', async () => {
    // 2000 characters fit kvssink's 2047 limit only if counted as characters, not bytes.
    const path = join(tempDir(), 'credential');
    const target = new FileTarget(path);
    await target.write(fakeCredentials({ lifetimeSeconds: 90 }));
    const before = await readFile(path, 'utf8');

    const invalid = { ...fakeCredentials({ lifetimeSeconds: 90 }), sessionToken: 'é'.repeat(2000) };
    const error = await rejectionOf(target.write(invalid), 'too-long');

    expect(error.message).to.contain('4000 bytes');
    expect(await readFile(path, 'utf8')).to.equal(before);
    expect(parseCredentialFile(before).sessionToken).not.to.equal(undefined);
  });

  it('rejects null with a clear message', async () => {
    const target = new FileTarget(join(tempDir(), 'credential'));

    const error = await rejectionOf(target.write(null as never), 'invalid-credentials');

    expect(error.message).to.contain('received null');
    expect(await readdir(tempDir())).to.deep.equal([]);
  });

  it('removes the temporary file when the rename fails', async () => {
    // A directory at the target path makes rename() fail after the temporary file is written.
    const path = join(tempDir(), 'credential');
    await mkdir(path);

    const error = await rejectionOf(
      new FileTarget(path).write(fakeCredentials({ lifetimeSeconds: 90 })),
      'write-failed',
    );

    expect(error.message).to.match(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(await readdir(tempDir())).to.deep.equal(['credential']);
  });

  it('serializes concurrent writes', async () => {
    const path = join(tempDir(), 'credential');
    const target = new FileTarget(path);
    const all = Array.from({ length: 25 }, () => fakeCredentials({ lifetimeSeconds: 90 }));

    await Promise.all(all.map((credentials) => target.write(credentials)));

    const last = all[all.length - 1];
    expect(await readFile(path, 'utf8')).to.equal(formatCredentialFile(last));
    expect(await readdir(tempDir())).to.deep.equal(['credential']);
  });

  it('continues after a failed write', async () => {
    const path = join(tempDir(), 'credential');
    const target = new FileTarget(path);
    const invalid = { ...fakeCredentials({ lifetimeSeconds: 90 }), accessKeyId: '' };
    const valid = fakeCredentials({ lifetimeSeconds: 90 });

    const results = await Promise.allSettled([target.write(invalid), target.write(valid)]);

    expect(results.map((result) => result.status)).to.deep.equal(['rejected', 'fulfilled']);
    expect(parseCredentialFile(await readFile(path, 'utf8')).accessKeyId).to.equal(
      valid.accessKeyId,
    );
  });
});
