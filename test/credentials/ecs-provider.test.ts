import { fromContainerMetadata } from '@aws-sdk/credential-providers';
import { expect } from 'chai';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import {
  CredentialError,
  CredentialRefresher,
  FileTarget,
  credentialSourceFromSpec,
  parseCredentialFile,
  redactKeyId,
  type RefreshedEvent,
  type RefresherErrorEvent,
} from '../../lib/credentials/index.js';
import {
  startEcsCredentialServer,
  useEcsEnvironment,
  type EcsCredentialServer,
} from '../helpers/ecs-server.js';
import { useTempDir } from '../helpers/temp.js';
import { recordEmitted, watchRefresher } from './secret-watch.js';

const AUTHORIZATION_TOKEN = 'FAKEAUTHTOKEN-ecs-provider-test';

describe('refresher with the ECS container provider', () => {
  const tempDir = useTempDir('gst-kvs-ecs-');
  let server: EcsCredentialServer;
  let restoreEnvironment: () => void;
  let refresher: CredentialRefresher | undefined;

  beforeEach(async () => {
    server = await startEcsCredentialServer({ authorizationToken: AUTHORIZATION_TOKEN });
    restoreEnvironment = useEcsEnvironment(server.url, AUTHORIZATION_TOKEN);
  });

  afterEach(async () => {
    refresher?.stop();
    refresher = undefined;
    restoreEnvironment();
    await server.close();
  });

  function createRefresher(
    options: { safetyMarginSeconds?: number; initialDelayMs?: number } = {},
  ) {
    refresher = new CredentialRefresher({
      source: fromContainerMetadata(),
      targets: [new FileTarget(join(tempDir(), 'kvs', 'credential'))],
      safetyMarginSeconds: options.safetyMarginSeconds,
      retry: { initialDelayMs: options.initialDelayMs ?? 100 },
    });
    watchRefresher(refresher);
    return refresher;
  }

  async function readCredentialFile() {
    const path = join(tempDir(), 'kvs', 'credential');
    return {
      parsed: parseCredentialFile(await readFile(path, 'utf8')),
      mode: (await stat(path)).mode & 0o777,
    };
  }

  it('writes the first credentials on start', async () => {
    const summary = await createRefresher().start();
    const { parsed, mode } = await readCredentialFile();
    const issued = server.issued[0];

    expect(server.requests).to.have.length(1);
    expect(server.requests[0].authorized).to.equal(true);
    expect(parsed.accessKeyId).to.equal(issued.accessKeyId);
    expect(parsed.secretAccessKey).to.equal(issued.secretAccessKey);
    expect(parsed.sessionToken).to.equal(issued.sessionToken);
    expect(parsed.expiration?.getTime()).to.equal(issued.expiration.getTime());
    expect(mode).to.equal(0o600);
    expect(summary.accessKeyId).to.equal(redactKeyId(issued.accessKeyId));
  });

  it('plans the 90 s refresh inside the window', async () => {
    const fetchedAt = Date.now();
    const refreshed = new Promise<RefreshedEvent>((resolve) =>
      createRefresher().once('refreshed', resolve),
    );
    await refresher!.start();
    const event = await refreshed;
    const expiration = server.issued[0].expiration.getTime();
    const refreshAt = event.nextRefreshAt!.getTime();

    // Fetched at refreshAt, 90 s credentials must outlive kvssink's read at E - 3 s by 30 s.
    expect(refreshAt + 90_000 - (expiration - 3000)).to.be.at.least(30_000);
    expect(refreshAt).to.be.at.most(expiration - 3000 - 15_000);
    expect(refreshAt - fetchedAt).to.be.within(25_000, 40_000);
  });

  it('retries after injected 500 responses', async () => {
    await createRefresher().start();
    const errors: RefresherErrorEvent[] = [];
    refresher!.on('error', (event) => errors.push(event));
    const refreshed = new Promise<RefreshedEvent>((resolve) =>
      refresher!.once('refreshed', resolve),
    );

    // New credentials must expire 32 s after the held ones or the refresher rejects them.
    server.lifetimeSeconds = 200;
    server.failNext(2, '500');
    const rejection = await refresher!.refresh().catch((error: unknown) => error);
    recordEmitted(rejection);
    const event = await refreshed;

    expect((rejection as { code?: string }).code).to.equal('provider-failed');
    expect(event.attempt).to.equal(3);
    expect(errors.map((e) => e.attempt)).to.deep.equal([1, 2]);
    expect(errors.every((e) => !e.fatal)).to.equal(true);
    expect(server.requests.map((r) => r.outcome)).to.deep.equal([
      'credentials',
      '500',
      '500',
      'credentials',
    ]);

    const gaps = server.requests
      .slice(1)
      .map((r, i) => r.time.getTime() - server.requests[i].time.getTime());
    expect(gaps[1], 'first back-off').to.be.at.least(45);
    expect(gaps[2], 'second back-off').to.be.at.least(95);

    const { parsed } = await readCredentialFile();
    expect(parsed.accessKeyId).to.equal(server.issued[1].accessKeyId);
  });

  it('reports hanging and closed connections', async function () {
    this.timeout(10_000);
    await createRefresher({ initialDelayMs: 60_000 }).start();
    const errors: RefresherErrorEvent[] = [];
    refresher!.on('error', (event) => errors.push(event));

    server.failNext(1, 'hang');
    await refresher!.refresh().catch(() => undefined);
    server.failNext(1, 'close');
    await refresher!.refresh().catch(() => undefined);

    expect(errors.map((e) => e.error.code)).to.deep.equal(['provider-failed', 'provider-failed']);
    expect(errors[0].error.message).to.match(/Timeout/i);
  });

  it('rejects repeated cached credentials on schedule', async function () {
    this.timeout(5_000);
    // With 32 s credentials and a 28 s margin the scheduled refresh comes within 1 s of start.
    server.lifetimeSeconds = 32;
    await createRefresher({ safetyMarginSeconds: 28, initialDelayMs: 60_000 }).start();
    const errorEvent = new Promise<RefresherErrorEvent>((resolve) =>
      refresher!.once('error', resolve),
    );

    server.repeatLast(1);
    const event = await errorEvent;

    expect(event.error.code).to.equal('expiring');
    expect(event.error.message).to.contain('cached');
    expect(server.requests).to.have.length(2);
  });

  it('accepts repeated cached credentials on refresh()', async () => {
    await createRefresher({ initialDelayMs: 60_000 }).start();
    const errors: RefresherErrorEvent[] = [];
    refresher!.on('error', (event) => errors.push(event));

    server.repeatLast(1);
    const summary = await refresher!.refresh();

    expect(summary.accessKeyId).to.equal(redactKeyId(server.issued[0].accessKeyId));
    expect(errors).to.deep.equal([]);
    expect(server.requests).to.have.length(2);
  });

  it('names key ids only redacted in errors', async () => {
    await createRefresher({ initialDelayMs: 60_000 }).start();

    // Credentials that expire earlier than the held ones make refresh() reject.
    server.lifetimeSeconds = 60;
    const error = (await refresher!.refresh().then(
      () => undefined,
      (e: unknown) => e,
    )) as CredentialError;
    recordEmitted(error);
    const keyId = server.issued[1].accessKeyId;

    expect(error.code).to.equal('expires-earlier');
    expect(error.message).to.contain(redactKeyId(keyId));
    expect(error.message).not.to.contain(keyId);
  });

  it('rejects start without the authorization token', async () => {
    restoreEnvironment();
    restoreEnvironment = useEcsEnvironment(server.url);

    const error = await createRefresher()
      .start()
      .catch((e: unknown) => e);
    recordEmitted(error);

    expect((error as { code?: string }).code).to.equal('provider-failed');
    expect(server.requests[0].outcome).to.equal('unauthorized');
  });

  it('works through the ecs and chain specs', async () => {
    const restoreFiles = pointSharedFilesAt(tempDir());
    try {
      for (const spec of ['ecs', 'chain']) {
        const source = credentialSourceFromSpec(spec);
        const first = await source({ forceRefresh: true });
        const second = await source({ forceRefresh: true });

        expect(first.accessKeyId, spec).to.match(/^ASIATEST/);
        expect(second.accessKeyId, spec).not.to.equal(first.accessKeyId);
      }
    } finally {
      restoreFiles();
    }
  });

  it('refreshes on schedule', async function () {
    // The first refresh can come no sooner than 32 s after a fetch: new credentials must
    // expire 30 s + 5 s slack after kvssink's read at E - 3 s.
    this.timeout(60_000);
    this.slow(45_000);
    server.lifetimeSeconds = 60;
    createRefresher({ safetyMarginSeconds: 5 });
    const events: RefreshedEvent[] = [];
    const second = new Promise<RefreshedEvent>((resolve) => {
      refresher!.on('refreshed', (event) => {
        events.push(event);
        if (events.length === 2) {
          resolve(event);
        }
      });
    });

    await refresher!.start();
    const event = await second;
    const { parsed } = await readCredentialFile();

    expect(event.attempt).to.equal(1);
    expect(server.requests).to.have.length(2);
    expect(parsed.accessKeyId).to.equal(server.issued[1].accessKeyId);
    expect(
      server.issued[1].expiration.getTime() - server.issued[0].expiration.getTime(),
    ).to.be.at.least(32_000);
  });
});

/** Points the SDK's shared config and credentials files at empty paths, so `chain` skips them. */
function pointSharedFilesAt(directory: string): () => void {
  const saved = [process.env.AWS_CONFIG_FILE, process.env.AWS_SHARED_CREDENTIALS_FILE];
  process.env.AWS_CONFIG_FILE = join(directory, 'missing-config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(directory, 'missing-credentials');

  return () => {
    for (const [name, value] of [
      ['AWS_CONFIG_FILE', saved[0]],
      ['AWS_SHARED_CREDENTIALS_FILE', saved[1]],
    ] as const) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  };
}
