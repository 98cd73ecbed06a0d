// Tests of the kvssink test element (test/fixtures/kvssink), run in real gst-launch-1.0 and
// gst-inspect-1.0 child processes with fake credentials.
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TEST_ELEMENT_TIME_SCALE_ENV, useTestElement } from '../lib/kvs/test-element.js';

const FPS = 30;

// 30 frames per key frame and 1000 ms fragments give one fragment per second.
const FRAGMENT_MS = 1000;

const SECRET = 'fakeSecretKeyDoNotLog0123456789';
const TOKEN = 'fakeSessionTokenDoNotLog0123456789';

const STATUS = {
  expired: 0x15000017,
  expirationParsing: 0x15000018,
  tooLong: 0x15000023,
  wrongMarker: 0x15000024,
  refreshFailed: 0x15000028,
  signing: 0x52000011,
  expiringSoon: 0x52000040,
  streamingToken: 0x52000049,
};

type FieldValue = string | number | boolean;

interface ElementMessage {
  name: string;
  fields: Record<string, FieldValue>;
}

interface LaunchResult {
  code: number | null;
  /** Standard output: the bus messages `-m` prints, in bus order. */
  stdout: string;
  /** Standard output, then standard error, for assertion messages and text searches. */
  output: string;
  messages: ElementMessage[];
}

function hex(status: number): string {
  return `0x${status.toString(16).padStart(8, '0')}`;
}

function videoPipeline(seconds: number, sinkProperties: string): string {
  return (
    `videotestsrc is-live=true num-buffers=${seconds * FPS} ` +
    `! video/x-raw,width=320,height=240,framerate=${FPS}/1 ` +
    '! x264enc tune=zerolatency key-int-max=30 speed-preset=ultrafast ! h264parse ' +
    '! video/x-h264,stream-format=avc,alignment=au ' +
    `! kvssink stream-name=test-stream fragment-duration=${FRAGMENT_MS} ${sinkProperties}`
  );
}

// An environment with no AWS variables from the caller, pointing GStreamer at the test element.
function elementEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' };

  for (const name of Object.keys(env)) {
    if (name.startsWith('AWS_') && name !== 'AWS_EC2_METADATA_DISABLED') delete env[name];
  }
  delete env[TEST_ELEMENT_TIME_SCALE_ENV];
  useTestElement(env);
  return { ...env, ...extra };
}

function parseValue(type: string, text: string): FieldValue {
  if (type === 'boolean') return text === 'true';
  if (type === 'string') {
    return text.startsWith('"') ? text.slice(1, -1).replace(/\\(.)/g, '$1') : text;
  }
  return Number(text);
}

// Reads the element messages that `gst-launch-1.0 -m` prints, one per line:
// Got message #12 from element "kvssink0" (element): name, field=(type)value, ...;
function parseElementMessages(output: string): ElementMessage[] {
  const messages: ElementMessage[] = [];
  const linePattern = /^Got message #\d+ from element "[^"]+" \(element\): ([\w-]+), (.*);$/;
  const fieldPattern = /([\w-]+)=\((\w+)\)("(?:[^"\\]|\\.)*"|[^,]*)/g;

  for (const line of output.split('\n')) {
    const match = linePattern.exec(line);
    if (match === null) continue;

    const fields: Record<string, FieldValue> = {};
    for (const field of match[2].matchAll(fieldPattern)) {
      fields[field[1]] = parseValue(field[2], field[3]);
    }
    messages.push({ name: match[1], fields });
  }
  return messages;
}

function launch(description: string, env: NodeJS.ProcessEnv): Promise<LaunchResult> {
  return new Promise((resolve, reject) => {
    // gst-launch-1.0 escapes the spaces inside each argument, so pass one word per argument.
    const child = spawn('gst-launch-1.0', ['-m', ...description.split(/\s+/)], { env });
    let stdout = '';
    let stderr = '';

    // The streams stay apart: a stderr chunk landing inside a stdout line would corrupt the
    // parsed messages, and stdout is block-buffered, so its order against stderr is random.
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        output: `${stdout}\n${stderr}`,
        messages: parseElementMessages(stdout),
      }),
    );
  });
}

function inspect(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('gst-inspect-1.0', ['kvssink'], { env }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

function messagesNamed(result: LaunchResult, name: string): Record<string, FieldValue>[] {
  return result.messages.filter((message) => message.name === name).map((m) => m.fields);
}

function fragments(result: LaunchResult): Record<string, FieldValue>[] {
  return messagesNamed(result, 'kvssink-test-fragment');
}

// kvssink's expiration format: ISO 8601 UTC with whole seconds.
function expirationIn(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function epochSeconds(expiration: string): number {
  return Date.parse(expiration) / 1000;
}

// Writes and renames, so the element never reads a half-written file.
async function writeCredentialFile(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('kvssink test element', function () {
  let dir: string;
  let credentialPath: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gst-kvs-element-'));
    credentialPath = join(dir, 'credential');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('interface', () => {
    const properties: Array<[name: string, type: string, defaultValue: string | null]> = [
      ['absolute-fragment-times', 'Boolean', 'true'],
      ['access-key', 'String', '"access_key"'],
      ['allow-create-stream', 'Boolean', 'true'],
      ['avg-bandwidth-bps', 'Unsigned Integer', '4194304'],
      ['aws-region', 'String', '"us-west-2"'],
      ['buffer-duration', 'Unsigned Integer', '120'],
      ['codec-id', 'String', '"V_MPEG4/ISO/AVC"'],
      ['completion-timeout', 'Unsigned Integer', '10'],
      ['connection-staleness', 'Unsigned Integer', '60'],
      ['connection-timeout', 'Unsigned Integer', '5'],
      ['content-type', 'String', 'null'],
      ['credential-path', 'String', '".kvs/credential"'],
      ['disable-buffer-clipping', 'Boolean', 'false'],
      ['file-start-time', 'Unsigned Integer64', null],
      ['fragment-acks', 'Boolean', 'true'],
      ['fragment-duration', 'Unsigned Integer', '2000'],
      ['frame-timecodes', 'Boolean', 'true'],
      ['framerate', 'Unsigned Integer', '25'],
      ['get-kvs-metrics', 'Boolean', 'false'],
      ['iot-certificate', 'Boxed pointer of type "GstStructure"', null],
      ['key-frame-fragmentation', 'Boolean', 'true'],
      ['log-config', 'String', '"../kvs_log_configuration"'],
      ['max-latency', 'Unsigned Integer', '60'],
      ['recalculate-metrics', 'Boolean', 'true'],
      ['replay-duration', 'Unsigned Integer', '40'],
      ['restart-on-error', 'Boolean', 'true'],
      ['retention-period', 'Unsigned Integer', '2'],
      ['rotation-period', 'Unsigned Integer', '3600'],
      ['secret-key', 'String', '"secret_key"'],
      ['session-token', 'String', '"session_token"'],
      ['stop-stream-timeout', 'Unsigned Integer', '120'],
      ['storage-size', 'Unsigned Integer', '128'],
      ['stream-name', 'String', '"DEFAULT_STREAM"'],
      ['stream-tags', 'Boxed pointer of type "GstStructure"', null],
      ['streaming-type', 'Enum "GstKvsSinkTestStreamingType"', '0, "realtime"'],
      ['timecode-scale', 'Unsigned Integer', '1'],
      ['track-name', 'String', '"kinesis_video"'],
      ['use-original-pts', 'Boolean', 'false'],
      ['user-agent', 'String', '"AWS-SDK-KVS-CPP-CLIENT/3.6.0"'],
    ];
    let lines: string[];

    before(async () => {
      lines = (await inspect(elementEnvironment())).split('\n');
    });

    // Returns the flags and type lines printed under a property.
    function propertyLines(name: string): { flags: string; type: string } {
      const index = lines.findIndex((line) => new RegExp(`^  ${name}\\s*:`).test(line));
      expect(index, `property ${name} in gst-inspect-1.0 output`).to.be.greaterThan(-1);
      return { flags: lines[index + 1].trim(), type: lines[index + 2].trim() };
    }

    for (const [name, type, defaultValue] of properties) {
      it(`has ${name} (${type})`, () => {
        const printed = propertyLines(name);

        expect(printed.flags).to.equal('flags: readable, writable');
        expect(printed.type.startsWith(type), printed.type).to.equal(true);
        if (defaultValue !== null) {
          expect(/Default: (.*)$/.exec(printed.type)?.[1].trim()).to.equal(defaultValue);
        }
      });
    }

    it('defaults file-start-time to now', () => {
      const printed = propertyLines('file-start-time').type;
      const value = Number(/Default: (\d+)/.exec(printed)?.[1]);

      expect(Math.abs(value - Date.now() / 1000)).to.be.lessThan(60);
    });

    it('lists the streaming-type values', () => {
      const text = lines.join('\n');

      expect(text).to.match(/\(0\): realtime/);
      expect(text).to.match(/\(1\): near-realtime/);
      expect(text).to.match(/\(2\): offline/);
    });

    it('has the request pad templates', () => {
      const text = lines.join('\n');

      expect(text).to.include("SINK template: 'video_%u'");
      expect(text).to.include("SINK template: 'audio_%u'");
      expect(text).to.include('video/x-h264');
      expect(text).to.include('video/x-h265');
      expect(text).to.include('audio/x-alaw');
      expect(text).to.include('audio/x-mulaw');
    });

    it('has the kvssink signals', () => {
      const text = lines.join('\n');

      // gst-inspect-1.0 1.22 prints "GstElement* object" and lists action signals with the
      // others; 1.26 prints "GstElement * object" and lists action signals under "Element
      // Actions" as g_signal_emit_by_name() calls.
      const actionSignal = (name: string): RegExp =>
        new RegExp(
          `"${name}" :\\s+void user_function \\(GstElement\\s*\\*\\s*object,\\s+gpointer|` +
            `"${name}" -> void\\s*:\\s*g_signal_emit_by_name \\(element, "${name}",\\s+gpointer`,
        );
      expect(text).to.match(
        /"stream-error" :\s+void user_function \(GstElement\s*\*\s*object,\s+guint64/,
      );
      expect(text).to.match(actionSignal('fragment-ack'));
      expect(text).to.match(actionSignal('stream-client-metric'));
    });
  });

  describe('credential file at start', () => {
    it('uploads fragments signed with the file key', async () => {
      const expiration = expirationIn(3600);
      await writeCredentialFile(
        credentialPath,
        `CREDENTIALS AKIDFILE ${expiration} ${SECRET} ${TOKEN}\n`,
      );

      const result = await launch(
        videoPipeline(3, `credential-path=${credentialPath}`),
        elementEnvironment(),
      );
      const uploaded = fragments(result);

      expect(result.code, result.output).to.equal(0);
      expect(uploaded).to.have.length.of.at.least(3);
      for (const fragment of uploaded) {
        expect(fragment['access-key-id']).to.equal('AKIDFILE');
        expect(fragment['credential-source']).to.equal('file');
        expect(fragment['stream-name']).to.equal('test-stream');
        expect(fragment['aws-region']).to.equal('us-west-2');
        expect(fragment.expiration).to.equal(epochSeconds(expiration));
        expect(fragment.valid).to.equal(true);
        expect(fragment.frames).to.be.greaterThan(0);
      }
      expect(uploaded[0].duration).to.be.within(FRAGMENT_MS - 50, FRAGMENT_MS + 50);
      expect(uploaded[1].timecode).to.equal((uploaded[0].timecode as number) + FRAGMENT_MS);
    });

    it('reports the start read', async () => {
      await writeCredentialFile(
        credentialPath,
        `CREDENTIALS AKIDREAD ${expirationIn(3600)} ${SECRET} ${TOKEN}`,
      );

      const result = await launch(
        videoPipeline(1, `credential-path=${credentialPath}`),
        elementEnvironment(),
      );
      const reads = messagesNamed(result, 'kvssink-test-credentials-read');

      expect(reads).to.have.length(1);
      expect(reads[0].reason).to.equal('start');
      expect(reads[0].ok).to.equal(true);
      expect(reads[0]['access-key-id']).to.equal('AKIDREAD');
    });

    it('never prints the secret or the token', async () => {
      await writeCredentialFile(
        credentialPath,
        `CREDENTIALS AKIDQUIET ${expirationIn(3600)} ${SECRET} ${TOKEN}`,
      );

      const result = await launch(
        videoPipeline(1, `credential-path=${credentialPath}`),
        elementEnvironment({ GST_DEBUG: 'kvssinktest:6' }),
      );

      expect(result.code, result.output).to.equal(0);
      expect(result.output).not.to.include(SECRET);
      expect(result.output).not.to.include(TOKEN);
    });

    it('reads the two-token form without expiration', async () => {
      await writeCredentialFile(credentialPath, `CREDENTIALS AKIDTWO ${SECRET}\n`);

      const result = await launch(
        videoPipeline(2, `credential-path=${credentialPath}`),
        elementEnvironment(),
      );
      const uploaded = fragments(result);

      expect(result.code, result.output).to.equal(0);
      expect(uploaded).to.have.length.of.at.least(1);
      expect(uploaded[0]['access-key-id']).to.equal('AKIDTWO');
      expect(uploaded[0].expiration).to.equal(-1);
      expect(uploaded[0].valid).to.equal(true);
    });

    it('reads the three-token form without token', async () => {
      const expiration = expirationIn(3600);
      await writeCredentialFile(credentialPath, `CREDENTIALS AKIDTHREE ${expiration} ${SECRET}\n`);

      const result = await launch(
        videoPipeline(2, `credential-path=${credentialPath}`),
        elementEnvironment(),
      );
      const uploaded = fragments(result);

      expect(result.code, result.output).to.equal(0);
      expect(uploaded).to.have.length.of.at.least(1);
      expect(uploaded[0]['access-key-id']).to.equal('AKIDTHREE');
      expect(uploaded[0].expiration).to.equal(epochSeconds(expiration));
    });

    const accepted: Array<[string, () => string]> = [
      [
        'key id of 128 characters',
        () => `CREDENTIALS ${'A'.repeat(128)} ${expirationIn(3600)} ${SECRET} ${TOKEN}`,
      ],
      [
        'token of 2047 characters',
        () => `CREDENTIALS AKIDLONG ${expirationIn(3600)} ${SECRET} ${'T'.repeat(2047)}`,
      ],
      [
        'file of 9,999 bytes',
        () => `CREDENTIALS AKIDBIG ${expirationIn(3600)} ${SECRET} ${TOKEN}`.padEnd(9999, ' '),
      ],
    ];

    for (const [name, content] of accepted) {
      it(`accepts a ${name}`, async () => {
        await writeCredentialFile(credentialPath, content());

        const result = await launch(
          videoPipeline(1, `credential-path=${credentialPath}`),
          elementEnvironment(),
        );

        expect(result.code, result.output).to.equal(0);
        expect(fragments(result)).to.have.length.of.at.least(1);
      });
    }
  });

  describe('start failures', () => {
    const failures: Array<[name: string, content: () => string | null, expected: string]> = [
      ['missing file', () => null, 'Could not find any AWS credentials!'],
      [
        'wrong marker',
        () => `CREDENTIAL AKID ${expirationIn(3600)} ${SECRET} ${TOKEN}`,
        hex(STATUS.wrongMarker),
      ],
      [
        'expiration with milliseconds',
        () =>
          `CREDENTIALS AKID ${new Date(Date.now() + 3600_000).toISOString()} ${SECRET} ${TOKEN}`,
        hex(STATUS.expirationParsing),
      ],
      [
        'expiration in epoch seconds',
        () => `CREDENTIALS AKID ${Math.floor(Date.now() / 1000) + 3600} ${SECRET} ${TOKEN}`,
        hex(STATUS.expirationParsing),
      ],
      [
        'expired credentials',
        () => `CREDENTIALS AKID ${expirationIn(-60)} ${SECRET} ${TOKEN}`,
        hex(STATUS.expired),
      ],
      [
        'under 30 s of life',
        () => `CREDENTIALS AKID ${expirationIn(20)} ${SECRET} ${TOKEN}`,
        hex(STATUS.expiringSoon),
      ],
      [
        'token of 2048 characters',
        () => `CREDENTIALS AKID ${expirationIn(3600)} ${SECRET} ${'T'.repeat(2048)}`,
        hex(STATUS.signing),
      ],
      [
        'file of 10,000 bytes',
        () => `CREDENTIALS AKID ${expirationIn(3600)} ${SECRET} ${TOKEN}`.padEnd(10000, ' '),
        hex(STATUS.tooLong),
      ],
      [
        'key id of 129 characters',
        () => `CREDENTIALS ${'A'.repeat(129)} ${expirationIn(3600)} ${SECRET} ${TOKEN}`,
        hex(STATUS.expirationParsing),
      ],
    ];

    for (const [name, content, expected] of failures) {
      it(`fails on ${name}`, async () => {
        const path = join(dir, `failure-${name.replace(/\W+/g, '-')}`);
        const text = content();
        if (text !== null) await writeCredentialFile(path, text);

        const result = await launch(
          videoPipeline(1, `credential-path=${path}`),
          elementEnvironment(),
        );

        expect(result.code).not.to.equal(0);
        expect(result.output).to.match(/ERROR: from element \S+kvssink0/);
        expect(result.output).to.include(expected);
        expect(fragments(result)).to.have.length(0);
      });
    }
  });

  describe('credential source order', () => {
    beforeEach(async () => {
      await writeCredentialFile(
        credentialPath,
        `CREDENTIALS AKIDFILE ${expirationIn(3600)} ${SECRET} ${TOKEN}`,
      );
    });

    it('prefers access-key over the file', async () => {
      const result = await launch(
        videoPipeline(
          1,
          `credential-path=${credentialPath} access-key=AKIDPROPERTY secret-key=${SECRET}`,
        ),
        elementEnvironment(),
      );
      const uploaded = fragments(result);

      expect(result.code, result.output).to.equal(0);
      expect(uploaded).to.have.length.of.at.least(1);
      expect(uploaded[0]['access-key-id']).to.equal('AKIDPROPERTY');
      expect(uploaded[0]['credential-source']).to.equal('static');
      expect(uploaded[0].expiration).to.equal(-1);
      expect(messagesNamed(result, 'kvssink-test-credentials-read')).to.have.length(0);
    });

    it('prefers environment keys over the file', async () => {
      const result = await launch(
        videoPipeline(1, `credential-path=${credentialPath}`),
        elementEnvironment({
          AWS_ACCESS_KEY_ID: 'AKIDENVIRONMENT',
          AWS_SECRET_ACCESS_KEY: SECRET,
          AWS_DEFAULT_REGION: 'eu-west-1',
        }),
      );
      const uploaded = fragments(result);

      expect(result.code, result.output).to.equal(0);
      expect(uploaded).to.have.length.of.at.least(1);
      expect(uploaded[0]['access-key-id']).to.equal('AKIDENVIRONMENT');
      expect(uploaded[0]['credential-source']).to.equal('environment');
      expect(uploaded[0]['aws-region']).to.equal('eu-west-1');
    });

    it('ignores a lone AWS_ACCESS_KEY_ID', async () => {
      const result = await launch(
        videoPipeline(1, `credential-path=${credentialPath}`),
        elementEnvironment({ AWS_ACCESS_KEY_ID: 'AKIDENVIRONMENT' }),
      );

      expect(result.code, result.output).to.equal(0);
      expect(fragments(result)[0]['access-key-id']).to.equal('AKIDFILE');
    });

    it('prefers iot-certificate over everything', async () => {
      const result = await launch(
        videoPipeline(
          1,
          `credential-path=${credentialPath} access-key=AKIDPROPERTY ` +
            'iot-certificate="iot-certificate,endpoint=127.0.0.1,role-aliases=test"',
        ),
        elementEnvironment(),
      );
      const uploaded = fragments(result);

      expect(result.code, result.output).to.equal(0);
      expect(uploaded).to.have.length.of.at.least(1);
      expect(uploaded[0]['credential-source']).to.equal('iot');
      expect(uploaded[0]['access-key-id']).to.equal('iot-certificate');
    });
  });

  // Three long pipelines run side by side, so the whole group takes about 35 s.
  describe('credential rotation', function () {
    let expiring: LaunchResult;
    let maxAge: LaunchResult;
    let notRewritten: LaunchResult;

    before(async function () {
      this.timeout(90_000);
      const expiringPath = join(dir, 'expiring');
      const maxAgePath = join(dir, 'max-age');
      const staticPath = join(dir, 'not-rewritten');

      // Credentials with 33 s of life are read again at E - 3 s, about 30 s after start.
      await writeCredentialFile(
        expiringPath,
        `CREDENTIALS AKIDOLD ${expirationIn(33)} ${SECRET} ${TOKEN}`,
      );
      await writeCredentialFile(
        staticPath,
        `CREDENTIALS AKIDOLD ${expirationIn(33)} ${SECRET} ${TOKEN}`,
      );
      await writeCredentialFile(
        maxAgePath,
        `CREDENTIALS AKIDOLD ${expirationIn(3600)} ${SECRET} ${TOKEN}`,
      );

      const runs = Promise.all([
        launch(videoPipeline(35, `credential-path=${expiringPath}`), elementEnvironment()),
        // A time scale of 120 makes the 40-minute re-read come after 20 s.
        launch(
          videoPipeline(25, `credential-path=${maxAgePath}`),
          elementEnvironment({ [TEST_ELEMENT_TIME_SCALE_ENV]: '120' }),
        ),
        launch(videoPipeline(40, `credential-path=${staticPath}`), elementEnvironment()),
      ]);

      await delay(8000);
      await writeCredentialFile(
        expiringPath,
        `CREDENTIALS AKIDNEW ${expirationIn(3600)} ${SECRET} ${TOKEN}`,
      );
      await writeCredentialFile(
        maxAgePath,
        `CREDENTIALS AKIDNEW ${expirationIn(3600)} ${SECRET} ${TOKEN}`,
      );

      [expiring, maxAge, notRewritten] = await runs;
    });

    it('picks up a file rewritten before E - 3 s', () => {
      const reads = messagesNamed(expiring, 'kvssink-test-credentials-read');
      const keys = fragments(expiring).map((fragment) => fragment['access-key-id']);
      const firstNew = keys.indexOf('AKIDNEW');

      expect(expiring.code, expiring.output).to.equal(0);
      expect(reads.map((read) => read.reason)).to.deep.equal(['start', 'expiring']);
      expect(reads[1].ok).to.equal(true);
      expect(reads[1]['access-key-id']).to.equal('AKIDNEW');
      expect(firstNew).to.be.within(25, 32);
      expect(keys.slice(0, firstNew).every((key) => key === 'AKIDOLD')).to.equal(true);
      expect(keys.slice(firstNew).every((key) => key === 'AKIDNEW')).to.equal(true);
      expect(fragments(expiring).every((fragment) => fragment.valid === true)).to.equal(true);
    });

    it('reads the file again after the scaled 40 minutes', () => {
      const reads = messagesNamed(maxAge, 'kvssink-test-credentials-read');
      const keys = fragments(maxAge).map((fragment) => fragment['access-key-id']);
      const firstNew = keys.indexOf('AKIDNEW');

      expect(maxAge.code, maxAge.output).to.equal(0);
      expect(reads.map((read) => read.reason)).to.deep.equal(['start', 'max-age']);
      expect(reads[1].ok).to.equal(true);
      expect(firstNew).to.be.within(16, 23);
      expect(keys.slice(firstNew).every((key) => key === 'AKIDNEW')).to.equal(true);
    });

    // The order of the stream errors before the bus ERROR is checked through the addon in
    // the KvsPipeline tests: gst-launch-1.0 -m sometimes ends before printing them all.
    it('fails the stream when the file is not rewritten', () => {
      const reads = messagesNamed(notRewritten, 'kvssink-test-credentials-read');

      expect(notRewritten.code, notRewritten.output.slice(-1500)).to.equal(1);
      expect(reads[1].reason).to.equal('expiring');
      expect(reads[1].ok).to.equal(false);
      expect(reads[1].status).to.equal(STATUS.expiringSoon);
      expect(notRewritten.output).to.include(
        `Stream error occurred. Status: ${hex(STATUS.refreshFailed)}`,
      );
      expect(fragments(notRewritten).every((fragment) => fragment.valid === true)).to.equal(true);
    });
  });
});
