import { expect } from 'chai';
import createDebug from 'debug';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';

import {
  CredentialRefresher,
  FileTarget,
  parseCredentialFile,
  type AwsCredentials,
  type CredentialTarget,
  type RefreshedEvent,
  type RefresherErrorEvent,
  type RefresherOptions,
} from '../../lib/credentials/index.js';
import { useTempDir } from '../helpers/temp.js';
import { fakeCredentials, recordEmitted, watchRefresher, rejectionOf } from './secret-watch.js';

/** Resolves with the next emission of an event. */
function nextEvent<T>(
  refresher: CredentialRefresher,
  name: 'refreshed' | 'error' | 'expiring',
): Promise<T> {
  return new Promise((resolve) => refresher.once(name, (event: unknown) => resolve(event as T)));
}

describe('CredentialRefresher', () => {
  const tempDir = useTempDir('gst-kvs-refresher-');
  const refreshers: CredentialRefresher[] = [];

  function createRefresher(
    options: Omit<RefresherOptions, 'targets'> & { targets?: CredentialTarget[] },
  ) {
    const refresher = new CredentialRefresher({
      targets: [new FileTarget(join(tempDir(), 'credential'))],
      ...options,
    });
    watchRefresher(refresher);
    refreshers.push(refresher);
    return refresher;
  }

  afterEach(() => {
    for (const refresher of refreshers.splice(0)) {
      refresher.stop();
    }
  });

  it('writes long-term keys once, unscheduled', async () => {
    const { accessKeyId, secretAccessKey } = fakeCredentials();
    const refresher = createRefresher({ source: async () => ({ accessKeyId, secretAccessKey }) });
    const refreshed = nextEvent<RefreshedEvent>(refresher, 'refreshed');

    const summary = await refresher.start();

    const text = await readFile(join(tempDir(), 'credential'), 'utf8');
    expect(text).to.equal(`CREDENTIALS ${accessKeyId} ${secretAccessKey}\n`);
    expect(summary.expiration).to.equal(undefined);
    expect(refresher.nextRefreshAt).to.equal(undefined);
    expect((await refreshed).nextRefreshAt).to.equal(undefined);
    expect((await refreshed).lifetimeSeconds).to.equal(undefined);
  });

  it('asks the source to bypass its cache', async () => {
    const calls: unknown[] = [];
    const refresher = createRefresher({
      source: async (options) => {
        calls.push(options);
        return fakeCredentials({ lifetimeSeconds: 3600 });
      },
    });

    await refresher.start();

    expect(calls).to.deep.equal([{ forceRefresh: true }]);
  });

  it('schedules 1-hour credentials by the lead', async () => {
    const refresher = createRefresher({
      source: async () => fakeCredentials({ lifetimeSeconds: 3600 }),
    });
    const refreshed = nextEvent<RefreshedEvent>(refresher, 'refreshed');

    const summary = await refresher.start();
    const event = await refreshed;
    const lead = summary.expiration!.getTime() - refresher.nextRefreshAt!.getTime();

    expect(event.attempt).to.equal(1);
    expect(event.lifetimeSeconds).to.be.within(3599, 3601);
    expect(event.nextRefreshAt?.getTime()).to.equal(refresher.nextRefreshAt?.getTime());
    expect(lead).to.be.within(270_000, 300_000);
  });

  it('rejects start when the source fails', async () => {
    const refresher = createRefresher({
      source: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
    });

    const error = await rejectionOf(refresher.start());

    expect(error.code).to.equal('provider-failed');
    expect(error.message).to.contain('ECONNREFUSED');
    expect(refresher.nextRefreshAt).to.equal(undefined);
  });

  it('rejects invalid first credentials unwritten', async () => {
    const source = async () => ({
      ...fakeCredentials({ lifetimeSeconds: 3600 }),
      sessionToken: 'T'.repeat(2048),
    });
    const refresher = createRefresher({ source });

    const error = await rejectionOf(refresher.start());

    expect(error.code).to.equal('too-long');
    let missing = false;
    await access(join(tempDir(), 'credential')).catch(() => (missing = true));
    expect(missing).to.equal(true);
  });

  it('joins a refresh already running', async () => {
    let calls = 0;
    const refresher = createRefresher({
      source: async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return fakeCredentials({ lifetimeSeconds: 3600 + calls * 60 });
      },
    });
    await refresher.start();

    const [first, second] = await Promise.all([refresher.refresh(), refresher.refresh()]);

    expect(calls).to.equal(2);
    expect(second).to.equal(first);
  });

  it('retries failed refreshes with back-off', async () => {
    let failuresLeft = 0;
    let calls = 0;
    const refresher = createRefresher({
      source: async () => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('injected failure');
        }
        // Each set must outlive the previous one by more than 32 s to be accepted.
        calls += 1;
        return fakeCredentials({ lifetimeSeconds: 3600 + calls * 60 });
      },
      retry: { initialDelayMs: 40, maxDelayMs: 1000 },
    });
    await refresher.start();

    const errors: RefresherErrorEvent[] = [];
    refresher.on('error', (event) => errors.push(event));
    failuresLeft = 2;
    const refreshed = nextEvent<RefreshedEvent>(refresher, 'refreshed');
    const started = Date.now();

    const error = await rejectionOf(refresher.refresh());
    const event = await refreshed;

    expect(error.code).to.equal('provider-failed');
    expect(event.attempt).to.equal(3);
    expect(errors.map((e) => e.attempt)).to.deep.equal([1, 2]);
    expect(errors.map((e) => e.fatal)).to.deep.equal([false, false]);
    expect(errors[1].retryAt!.getTime() - errors[0].retryAt!.getTime()).to.be.at.least(20);
    expect(Date.now() - started).to.be.at.least(20 + 40);
  });

  it('rejects cached credentials on schedule', async function () {
    this.timeout(5_000);
    const first = fakeCredentials({ lifetimeSeconds: 32 });
    let next: AwsCredentials = first;
    let calls = 0;
    const refresher = createRefresher({
      source: async () => {
        calls += 1;
        return next;
      },
      // The deadline, E - 3 s - 29 s, is at most 1 s after start, and the refresh comes then.
      safetyMarginSeconds: 29,
      retry: { initialDelayMs: 300 },
    });
    await refresher.start();
    const before = await readFile(join(tempDir(), 'credential'), 'utf8');
    const errorEvent = nextEvent<RefresherErrorEvent>(refresher, 'error');

    const event = await errorEvent;

    expect(calls).to.equal(2);
    expect(event.error.code).to.equal('expiring');
    expect(event.error.message).to.contain('cached');
    expect(event.retryAt).not.to.equal(undefined);
    expect(await readFile(join(tempDir(), 'credential'), 'utf8')).to.equal(before);

    next = fakeCredentials({ lifetimeSeconds: 60 });
    const refreshed = await nextEvent<RefreshedEvent>(refresher, 'refreshed');
    expect(refreshed.attempt).to.equal(2);
    expect(
      parseCredentialFile(await readFile(join(tempDir(), 'credential'), 'utf8')).accessKeyId,
    ).to.equal(next.accessKeyId);
  });

  it('refresh() accepts the held credentials again', async () => {
    const credentials = fakeCredentials({ lifetimeSeconds: 3600 });
    let calls = 0;
    const refresher = createRefresher({
      source: async () => {
        calls += 1;
        return credentials;
      },
      retry: { initialDelayMs: 20 },
    });
    await refresher.start();
    const plannedAt = refresher.nextRefreshAt!.getTime();
    const errors: RefresherErrorEvent[] = [];
    refresher.on('error', (event) => errors.push(event));
    const refreshed = nextEvent<RefreshedEvent>(refresher, 'refreshed');

    const summary = await refresher.refresh();
    const event = await refreshed;
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(summary.expiration?.getTime()).to.equal(credentials.expiration!.getTime());
    expect(calls).to.equal(2);
    expect(errors).to.deep.equal([]);
    expect(event.lifetimeSeconds).to.be.within(3599, 3601);
    expect(refresher.nextRefreshAt!.getTime()).to.be.within(plannedAt - 30_000, plannedAt + 30_000);
  });

  it('refresh() writes later credentials', async () => {
    let next = fakeCredentials({ lifetimeSeconds: 3600 });
    const refresher = createRefresher({ source: async () => next });
    await refresher.start();

    next = fakeCredentials({ lifetimeSeconds: 3601 });
    await refresher.refresh();

    const parsed = parseCredentialFile(await readFile(join(tempDir(), 'credential'), 'utf8'));
    expect(parsed.accessKeyId).to.equal(next.accessKeyId);
  });

  it('refresh() rejects earlier credentials once', async () => {
    let next = fakeCredentials({ lifetimeSeconds: 3600 });
    let calls = 0;
    const refresher = createRefresher({
      source: async () => {
        calls += 1;
        return next;
      },
      retry: { initialDelayMs: 20 },
    });
    await refresher.start();
    const before = await readFile(join(tempDir(), 'credential'), 'utf8');
    const plannedAt = refresher.nextRefreshAt;
    const errors: RefresherErrorEvent[] = [];
    refresher.on('error', (event) => errors.push(event));

    next = fakeCredentials({ lifetimeSeconds: 3500 });
    const error = await rejectionOf(refresher.refresh());
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(error.code).to.equal('expires-earlier');
    expect(error.message).to.contain('earlier than the credentials in place');
    expect(error.message).to.contain(`${next.accessKeyId.slice(0, 4)}…`);
    expect(error.message).not.to.contain(next.accessKeyId);
    expect(calls).to.equal(2);
    expect(errors).to.have.length(1);
    expect(errors[0].fatal).to.equal(false);
    expect(errors[0].retryAt).to.equal(plannedAt);
    expect(refresher.nextRefreshAt).to.equal(plannedAt);
    expect(await readFile(join(tempDir(), 'credential'), 'utf8')).to.equal(before);
  });

  it('retries refresh() under its own rule', async () => {
    // After two failures the source returns the held credentials from its cache, which a
    // retry of refresh() accepts and a scheduled refresh would not.
    const credentials = fakeCredentials({ lifetimeSeconds: 3600 });
    let failuresLeft = 0;
    let calls = 0;
    const refresher = createRefresher({
      source: async () => {
        calls += 1;
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('injected failure');
        }
        return credentials;
      },
      retry: { initialDelayMs: 20 },
    });
    await refresher.start();
    const errors: RefresherErrorEvent[] = [];
    refresher.on('error', (event) => errors.push(event));
    const refreshed = nextEvent<RefreshedEvent>(refresher, 'refreshed');

    failuresLeft = 2;
    await rejectionOf(refresher.refresh());
    const event = await refreshed;
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(event.attempt).to.equal(3);
    expect(calls).to.equal(4);
    expect(errors.map((e) => e.error.code)).to.deep.equal(['provider-failed', 'provider-failed']);
    expect(refresher.nextRefreshAt!.getTime() - Date.now()).to.be.above(3_000_000);
  });

  it('refresh() retries after a joined failure', async function () {
    this.timeout(5_000);
    const credentials = fakeCredentials({ lifetimeSeconds: 32 });
    let calls = 0;
    let onScheduledCall: () => void = () => undefined;
    const scheduledCall = new Promise<void>((resolve) => (onScheduledCall = resolve));
    const refresher = createRefresher({
      source: async () => {
        calls += 1;
        if (calls === 2) {
          onScheduledCall();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return credentials;
      },
      safetyMarginSeconds: 29,
      retry: { initialDelayMs: 60_000 },
    });
    await refresher.start();
    const errors: RefresherErrorEvent[] = [];
    refresher.on('error', (event) => errors.push(event));

    await scheduledCall;
    const summary = await refresher.refresh();

    expect(summary.expiration?.getTime()).to.equal(credentials.expiration!.getTime());
    expect(calls).to.be.at.least(3);
    expect(errors[0].error.code).to.equal('expiring');
    expect(errors[0].error.message).to.contain('cached');
  });

  it('times out a source that never settles', async () => {
    const refresher = createRefresher({
      source: () => new Promise<AwsCredentials>(() => undefined),
      fetchTimeoutMs: 100,
    });
    const started = Date.now();

    const error = await rejectionOf(refresher.start());

    expect(error.code).to.equal('provider-failed');
    expect(error.message).to.contain('timed out after 100 ms');
    expect(Date.now() - started).to.be.at.least(90);
  });

  it('retries after a timeout and ignores the late result', async () => {
    const first = fakeCredentials({ lifetimeSeconds: 3600 });
    const late = fakeCredentials({ lifetimeSeconds: 3700 });
    const retried = fakeCredentials({ lifetimeSeconds: 3650 });
    let calls = 0;
    const refresher = createRefresher({
      source: async () => {
        calls += 1;
        if (calls === 2) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return late;
        }
        return calls === 1 ? first : retried;
      },
      fetchTimeoutMs: 100,
      retry: { initialDelayMs: 20 },
    });
    await refresher.start();
    const errors: RefresherErrorEvent[] = [];
    refresher.on('error', (event) => errors.push(event));
    const refreshed = nextEvent<RefreshedEvent>(refresher, 'refreshed');

    const error = await rejectionOf(refresher.refresh());
    await refreshed;
    await new Promise((resolve) => setTimeout(resolve, 400));

    expect(error.code).to.equal('provider-failed');
    expect(error.message).to.contain('timed out after 100 ms');
    expect(errors).to.have.length(1);
    expect(calls).to.equal(3);
    const parsed = parseCredentialFile(await readFile(join(tempDir(), 'credential'), 'utf8'));
    expect(parsed.accessKeyId).to.equal(retried.accessKeyId);
    expect(refresher.current?.expiration?.getTime()).to.equal(retried.expiration!.getTime());
  });

  it('reports a lifetime too short for kvssink', async () => {
    const refresher = createRefresher({
      source: async () => fakeCredentials({ lifetimeSeconds: 45 }),
    });
    const errorEvent = nextEvent<RefresherErrorEvent>(refresher, 'error');

    await refresher.start();
    const event = await errorEvent;

    expect(event.fatal).to.equal(true);
    expect(event.error.code).to.equal('expiring');
    expect(event.error.message).to.contain('too short for kvssink');
    expect(event.error.message).to.contain('50 s');
  });

  it('emits expiring once when the deadline passes', async function () {
    this.timeout(15_000);
    let calls = 0;
    const refresher = createRefresher({
      source: async () => {
        calls += 1;
        if (calls > 1) {
          throw new Error('injected failure');
        }
        return fakeCredentials({ lifetimeSeconds: 32 });
      },
      // The deadline is E - 3 s - 26 s, 3 to 4 s after start.
      safetyMarginSeconds: 26,
      retry: { initialDelayMs: 60_000 },
    });
    const errors: RefresherErrorEvent[] = [];
    refresher.on('error', (event) => errors.push(event));
    let expiringCount = 0;
    refresher.on('expiring', () => (expiringCount += 1));
    const expiring = nextEvent<{ expiresInSeconds: number }>(refresher, 'expiring');

    await refresher.start();
    const event = await expiring;
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(event.expiresInSeconds).to.be.within(28, 30);
    expect(expiringCount).to.equal(1);
    expect(errors.map((e) => e.fatal)).to.deep.equal([true, true]);
    expect(errors[1].error.code).to.equal('provider-failed');
  });

  it('emits expiring once per expiration', async function () {
    this.timeout(5_000);
    const credentials = fakeCredentials({ lifetimeSeconds: 32 });
    let calls = 0;
    const refresher = createRefresher({
      // Scheduled refreshes fail, and the third call, from refresh(), returns the held set.
      source: async () => {
        calls += 1;
        if (calls === 1 || calls === 3) {
          return credentials;
        }
        throw new Error('injected failure');
      },
      safetyMarginSeconds: 29,
      retry: { initialDelayMs: 60_000 },
    });
    let expiringCount = 0;
    refresher.on('expiring', () => (expiringCount += 1));
    const expiring = nextEvent(refresher, 'expiring');

    await refresher.start();
    await expiring;
    await refresher.refresh();
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(calls).to.equal(4);
    expect(expiringCount).to.equal(1);
  });

  it('reports a failing target', async () => {
    const good = new FileTarget(join(tempDir(), 'good', 'credential'));
    const bad: CredentialTarget = {
      description: 'test target',
      write: async () => {
        throw new Error('property not writable');
      },
    };
    const credentials = fakeCredentials({ lifetimeSeconds: 3600 });
    const refresher = createRefresher({ source: async () => credentials, targets: [good, bad] });

    const error = await rejectionOf(refresher.start());

    expect(error.code).to.equal('write-failed');
    expect(error.message).to.contain('test target');
    expect(parseCredentialFile(await readFile(good.path, 'utf8')).accessKeyId).to.equal(
      credentials.accessKeyId,
    );
  });

  it('stops idempotently', async () => {
    const refresher = createRefresher({
      source: async () => fakeCredentials({ lifetimeSeconds: 3600 }),
    });
    await refresher.start();

    refresher.stop();
    refresher.stop();

    expect(refresher.nextRefreshAt).to.equal(undefined);
    expect(refresher.current?.hasSessionToken).to.equal(true);
    await rejectionOf(refresher.refresh()).catch(() => undefined);
  });

  it('prints no secret', async () => {
    const credentials = fakeCredentials({ lifetimeSeconds: 3600 });
    const refresher = createRefresher({ source: async () => credentials });
    await refresher.start();

    for (const text of [inspect(refresher, { depth: 6 }), JSON.stringify(refresher)]) {
      expect(text).not.to.contain(credentials.secretAccessKey);
      expect(text).not.to.contain(credentials.sessionToken);
      expect(text).not.to.contain(credentials.accessKeyId);
    }
  });

  it('logs redacted key ids to debug', async () => {
    const lines: string[] = [];
    const previousLog = createDebug.log;
    const previousNamespaces = createDebug.disable();
    createDebug.log = (...args: unknown[]) => lines.push(args.map(String).join(' '));
    createDebug.enable('gst-kvs:credentials');

    try {
      const credentials = fakeCredentials({ lifetimeSeconds: 3600 });
      const refresher = createRefresher({ source: async () => credentials });
      await refresher.start();

      const output = lines.join('\n');
      recordEmitted(output);
      expect(output).to.contain(`${credentials.accessKeyId.slice(0, 4)}…`);
      expect(output).not.to.contain(credentials.accessKeyId);
    } finally {
      createDebug.log = previousLog;
      createDebug.disable();
      if (previousNamespaces !== '') {
        createDebug.enable(previousNamespaces);
      }
    }
  });

  it('rejects invalid options', () => {
    const source = async () => fakeCredentials();
    const target = new FileTarget(join(tempDir(), 'credential'));

    expect(() => new CredentialRefresher({ source, targets: [] })).to.throw(TypeError, /targets/);
    expect(() => new CredentialRefresher({ source: 'chain' as never, targets: [target] })).to.throw(
      TypeError,
      /source/,
    );
    expect(
      () => new CredentialRefresher({ source, targets: [target], safetyMarginSeconds: -1 }),
    ).to.throw(TypeError, /safetyMarginSeconds/);
    expect(
      () => new CredentialRefresher({ source, targets: [target], retry: { initialDelayMs: 0 } }),
    ).to.throw(TypeError, /initialDelayMs/);
    expect(
      () => new CredentialRefresher({ source, targets: [target], leadSeconds: '5' as never }),
    ).to.throw(TypeError, 'options.leadSeconds must be a finite number >= 0, received a string');
    expect(
      () => new CredentialRefresher({ source, targets: [target], fetchTimeoutMs: 0 }),
    ).to.throw(TypeError, /fetchTimeoutMs/);
  });
});
