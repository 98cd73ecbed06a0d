import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fromContainerMetadata } from '@aws-sdk/credential-providers';
import { expect } from 'chai';

import type { AwsCredentials } from '../lib/credentials/index.js';
import {
  startDemoCredentialServer,
  type DemoCredentialServer,
} from '../lib/demo/credential-server.js';
import { toTestFragment, type TestFragment } from '../lib/demo/fragment-ledger.js';
import { KvsConfigError } from '../lib/kvs/config-error.js';
import type {
  ConfigWarningEvent,
  FragmentAckEvent,
  StreamErrorEvent,
} from '../lib/kvs/kvs-events.js';
import { KvsPipeline } from '../lib/kvs/kvs-pipeline.js';
import type { GstError } from '../lib/errors.js';
import type { ElementMessage } from '../lib/message.js';

const SOURCE =
  'videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! ' +
  'x264enc tune=zerolatency key-int-max=30 speed-preset=ultrafast ! h264parse ! ' +
  'video/x-h264,stream-format=avc,alignment=au';

function kvsDescription(sinkProperties = ''): string {
  return `${SOURCE} ! kvssink name=kvs stream-name=test fragment-duration=1000 ${sinkProperties}`;
}

/** Returns a provider of fake 15-minute credentials with a new key id per call. */
function fakeProvider(): () => Promise<AwsCredentials> {
  let calls = 0;
  return async () => {
    calls += 1;
    return {
      accessKeyId: `ASIAKVSPIPELINE${String(calls).padStart(5, '0')}`,
      secretAccessKey: 'kvsPipelineTestSecretDoNotPrint',
      sessionToken: 'kvsPipelineTestTokenDoNotPrint',
      expiration: new Date(Date.now() + 15 * 60_000),
    };
  };
}

/** Sets environment variables and returns a function that restores the old values. */
function setEnv(values: Record<string, string | undefined>): () => void {
  const old = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const apply = (entries: Record<string, string | undefined>): void => {
    for (const [name, value] of Object.entries(entries)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  };
  apply(values);
  return () => apply(old);
}

/** Resolves with the first "kvssink-test-fragment" message's fields. */
function nextFragment(kvs: KvsPipeline, timeoutMs = 10_000): Promise<TestFragment> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`No fragment within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const listener = (message: ElementMessage): void => {
      const fragment = toTestFragment(message);
      if (fragment !== null) {
        clearTimeout(timer);
        kvs.off('element', listener);
        resolve(fragment);
      }
    };
    kvs.on('element', listener);
  });
}

function waitFor<T>(
  kvs: KvsPipeline,
  event: 'fragment-ack' | 'stream-error' | 'error',
  test: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`No matching ${event} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const listener = (value: T): void => {
      if (test(value)) {
        clearTimeout(timer);
        kvs.off(event, listener as never);
        resolve(value);
      }
    };
    kvs.on(event, listener as never);
  });
}

describe('KvsPipeline', function () {
  this.timeout(30_000);
  let kvs: KvsPipeline | undefined;

  afterEach(async () => {
    await kvs?.dispose();
    kvs = undefined;
  });

  describe('configuration traps', () => {
    it('rejects access-key on a kvssink', async () => {
      kvs = new KvsPipeline(
        kvsDescription('access-key=AKIAFAKEFAKEFAKE secret-key=trapSecretValue'),
        {
          credentials: fakeProvider(),
        },
      );
      const error = await kvs.play().then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).to.be.instanceOf(KvsConfigError);
      expect((error as KvsConfigError).kind).to.equal('config');
      expect((error as KvsConfigError).reason).to.equal('static-credentials');
      expect((error as Error).message).to.include('kvssink "kvs" has access-key set');
      expect((error as Error).message).to.not.include('trapSecretValue');
      expect(kvs.state).to.equal('null');
    });

    it('rejects iot-certificate on a kvssink', async () => {
      const iot =
        'iot-certificate="iot-certificate,endpoint=x,cert-path=/a,key-path=/b,ca-path=/c,role-aliases=r"';
      kvs = new KvsPipeline(kvsDescription(iot), { credentials: fakeProvider() });
      const error = await kvs.play().catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(KvsConfigError);
      expect((error as KvsConfigError).reason).to.equal('iot-certificate');
      expect(kvs.state).to.equal('null');
    });

    it('rejects environment keys', async () => {
      const restore = setEnv({
        AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENTKEY01',
        AWS_SECRET_ACCESS_KEY: 'environmentSecretDoNotPrint',
      });
      try {
        kvs = new KvsPipeline(kvsDescription(), { credentials: fakeProvider() });
        const error = await kvs.play().catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(KvsConfigError);
        expect((error as KvsConfigError).reason).to.equal('environment-credentials');
        expect((error as Error).message).to.include('AWS_ACCESS_KEY_ID');
        expect((error as Error).message).to.not.include('environmentSecretDoNotPrint');
        expect(process.env.AWS_ACCESS_KEY_ID).to.equal('AKIAENVIRONMENTKEY01');
      } finally {
        restore();
      }
    });

    it("removes environment keys in 'remove' mode", async () => {
      const restore = setEnv({
        AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENTKEY02',
        AWS_SECRET_ACCESS_KEY: 'environmentSecretDoNotPrint',
        AWS_SESSION_TOKEN: 'environmentTokenDoNotPrint',
      });
      try {
        kvs = new KvsPipeline(kvsDescription(), {
          credentials: fakeProvider(),
          environmentCredentials: 'remove',
        });
        const fragment = nextFragment(kvs);
        await kvs.play();
        expect(process.env.AWS_ACCESS_KEY_ID).to.equal(undefined);
        expect(process.env.AWS_SECRET_ACCESS_KEY).to.equal(undefined);
        expect(process.env.AWS_SESSION_TOKEN).to.equal(undefined);

        const first = await fragment;
        expect(first.credentialSource).to.equal('file');
        expect(first.accessKeyId).to.equal('ASIAKVSPIPELINE00001');
      } finally {
        restore();
      }
    });

    it('warns when AWS_DEFAULT_REGION overrides aws-region', async () => {
      const restore = setEnv({ AWS_DEFAULT_REGION: 'eu-west-1' });
      try {
        kvs = new KvsPipeline(kvsDescription('aws-region=us-east-1'), {
          credentials: fakeProvider(),
        });
        const warnings: ConfigWarningEvent[] = [];
        kvs.on('config-warning', (warning) => warnings.push(warning));
        await kvs.play();
        expect(warnings).to.have.length(1);
        expect(warnings[0].code).to.equal('region-override');
        expect(warnings[0].message).to.include('AWS_DEFAULT_REGION=eu-west-1');
        expect(warnings[0].message).to.include('aws-region=us-east-1');
      } finally {
        restore();
      }
    });

    it('skips the traps without a credential source', async () => {
      kvs = new KvsPipeline(kvsDescription('access-key=AKIAFAKEFAKEFAKE secret-key=staticSecret'));
      const fragment = nextFragment(kvs);
      await kvs.play();
      expect((await fragment).credentialSource).to.equal('static');
      expect(kvs.credentialFile).to.equal(undefined);
    });
  });

  describe('concurrent calls', () => {
    it('joins a second play() to the first', async () => {
      let calls = 0;
      const provider = fakeProvider();
      kvs = new KvsPipeline(kvsDescription(), {
        credentials: () => {
          calls += 1;
          return provider();
        },
      });
      await Promise.all([kvs.play(), kvs.play()]);
      expect(calls).to.equal(1);
      expect(kvs.state).to.equal('playing');
    });

    it('leaves no credential directory after dispose() during play()', async () => {
      const provider = fakeProvider();
      kvs = new KvsPipeline(kvsDescription(), {
        credentials: async () => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          return provider();
        },
      });
      const playing = kvs.play();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const directory =
        kvs.credentialFile === undefined ? undefined : join(kvs.credentialFile, '..');
      await kvs.dispose();

      const outcome = await playing.then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      expect(outcome).to.match(/disposed/);
      expect(directory).to.be.a('string');
      expect(existsSync(directory as string)).to.equal(false);
    });
  });

  describe('kvssink settings', () => {
    it('lowers stop-stream-timeout to the option', async () => {
      kvs = new KvsPipeline(kvsDescription(), {
        credentials: fakeProvider(),
        stopStreamTimeoutSeconds: 7,
      });
      await kvs.play();
      expect(kvs.pipeline.getElement('kvs')?.get('stop-stream-timeout')).to.equal(7);
    });

    it('lowers stop-stream-timeout to 10 by default', async () => {
      kvs = new KvsPipeline(kvsDescription(), { credentials: fakeProvider() });
      await kvs.play();
      expect(kvs.pipeline.getElement('kvs')?.get('stop-stream-timeout')).to.equal(10);
    });

    it('keeps a stop-stream-timeout the description sets', async () => {
      for (const value of [30, 120]) {
        const pipeline = new KvsPipeline(kvsDescription(`stop-stream-timeout=${value}`), {
          credentials: fakeProvider(),
        });
        try {
          await pipeline.play();
          expect(pipeline.pipeline.getElement('kvs')?.get('stop-stream-timeout')).to.equal(value);
        } finally {
          await pipeline.dispose();
        }
      }
    });

    it('sets credential-path to the absolute credential file', async () => {
      const directory = await mkdtemp(join(tmpdir(), 'gst-kvs-test-'));
      try {
        kvs = new KvsPipeline(kvsDescription(), {
          credentials: fakeProvider(),
          credentialFile: join(directory, 'sub', 'credential'),
        });
        await kvs.play();
        const path = kvs.pipeline.getElement('kvs')?.get('credential-path');
        expect(path).to.equal(join(directory, 'sub', 'credential'));
        expect(statSync(path as string).mode & 0o777).to.equal(0o600);
        await kvs.dispose();
        expect(existsSync(path as string)).to.equal(true, "the user's credential file stays");
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });

    it('generates a private INFO log-config', async () => {
      kvs = new KvsPipeline(kvsDescription(), { credentials: fakeProvider() });
      await kvs.play();
      const path = kvs.pipeline.getElement('kvs')?.get('log-config') as string;
      expect(path).to.equal(kvs.logConfigFile);
      expect(statSync(path).mode & 0o777).to.equal(0o600);
      const directory = join(path, '..');
      expect(statSync(directory).mode & 0o777).to.equal(0o700);

      const text = await readFile(path, 'utf8');
      expect(text).to.include('log4cplus.rootLogger=INFO, KvsAppender');
      expect(text).to.include('log4cplus::ConsoleAppender');
      expect(text).to.include('logToStdErr=true');
      expect(text).to.include('ConversionPattern=%D{');

      await kvs.dispose();
      expect(existsSync(directory)).to.equal(false, 'the private directory is removed at dispose');
    });

    it('writes a rolling file appender for log.file', async () => {
      kvs = new KvsPipeline(kvsDescription(), {
        credentials: fakeProvider(),
        log: { level: 'WARN', file: '/var/log/kvssink.log' },
      });
      await kvs.play();
      const text = await readFile(kvs.logConfigFile as string, 'utf8');
      expect(text).to.include('log4cplus.rootLogger=WARN, KvsAppender');
      expect(text).to.include('log4cplus::RollingFileAppender');
      expect(text).to.include('.File=/var/log/kvssink.log');
    });

    it('restarts with fresh credentials after stop', async () => {
      kvs = new KvsPipeline(kvsDescription(), { credentials: fakeProvider() });
      const first = nextFragment(kvs);
      await kvs.play();
      expect((await first).accessKeyId).to.equal('ASIAKVSPIPELINE00001');

      await kvs.stop();
      expect(kvs.state).to.equal('null');
      const second = nextFragment(kvs);
      await kvs.play();
      expect((await second).accessKeyId).to.equal('ASIAKVSPIPELINE00002');
    });

    it('runs a description without kvssink as a plain pipeline', async () => {
      kvs = new KvsPipeline('videotestsrc num-buffers=30 ! fakesink');
      const eos = kvs.waitForEos(10_000);
      await kvs.play();
      await eos;
      expect(kvs.sinks).to.have.length(0);
      expect(kvs.logConfigFile).to.equal(undefined);
    });
  });

  describe('kvssink signals', () => {
    it('emits fragment-ack events', async () => {
      kvs = new KvsPipeline(kvsDescription(), { credentials: fakeProvider() });
      const acks: FragmentAckEvent[] = [];
      kvs.on('fragment-ack', (ack) => acks.push(ack));
      await kvs.play();
      const persisted = await waitFor<FragmentAckEvent>(
        kvs,
        'fragment-ack',
        (ack) => ack.type === 'persisted',
        10_000,
      );
      expect(persisted.sink).to.equal('kvs');
      expect(persisted.timecode).to.be.a('bigint');
      expect(persisted.result).to.equal(200);
      expect(persisted.sequenceNumber).to.not.equal('');
      expect(acks.map((ack) => ack.type)).to.include.members([
        'buffering',
        'received',
        'persisted',
      ]);
    });

    it('emits stream-error when refreshes fail', async function () {
      this.timeout(90_000);
      const server: DemoCredentialServer = await startDemoCredentialServer({ lifetimeSeconds: 40 });
      const restore = setEnv({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: server.authorizationToken,
      });
      try {
        kvs = new KvsPipeline(kvsDescription(), {
          credentials: fromContainerMetadata(),
          refresher: { retry: { initialDelayMs: 500, maxDelayMs: 2000 } },
        });
        const credentialErrors: unknown[] = [];
        const sequence: string[] = [];
        kvs.on('credentials-error', (event) => credentialErrors.push(event));
        kvs.on('stream-error', (event) => sequence.push(event.statusHex));
        // Listening before play(): the stream errors and the ERROR can arrive in one batch.
        // The second listener takes the errors that follow the first (the source's
        // "Internal data stream error").
        const busError = waitFor<GstError>(kvs, 'error', () => true, 80_000);
        kvs.on('error', () => undefined);
        await kvs.play();

        // Every later fetch fails, so kvssink's re-read at E - 3 s finds the old credentials.
        server.failNext(1_000_000);
        const streamError = await waitFor<StreamErrorEvent>(
          kvs,
          'stream-error',
          () => true,
          60_000,
        );
        expect(streamError.sink).to.equal('kvs');
        expect(streamError.statusHex).to.equal('0x52000049');
        expect(streamError.status).to.equal(0x52000049n);
        expect(credentialErrors).to.not.be.empty;

        // kvssink's order: stream-error 0x52000049 a few times, 0x15000028, then the ERROR.
        expect((await busError).message).to.include('0x15000028');
        expect(sequence.length).to.be.greaterThan(1);
        expect(sequence.slice(0, -1).every((status) => status === '0x52000049')).to.equal(true);
        expect(sequence[sequence.length - 1]).to.equal('0x15000028');
      } finally {
        restore();
        await server.close();
      }
    });
  });
});
