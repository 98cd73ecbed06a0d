import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

import {
  startDemoCredentialServer,
  type DemoCredentialServer,
} from '../lib/demo/credential-server.js';
import { capturedOutput, cliEnvironment, runCli, startCli } from './helpers/cli.js';

const LINE = /^\d{2}:\d{2}:\d{2}\.\d{3} \S/;

const KVS_SOURCE = [
  'videotestsrc is-live=true',
  '!',
  'video/x-raw,width=320,height=240,framerate=30/1',
  '!',
  'x264enc tune=zerolatency key-int-max=30 speed-preset=ultrafast',
  '!',
  'h264parse',
  '!',
  'video/x-h264,stream-format=avc,alignment=au',
  '!',
].join(' ');

// Fake secrets that no captured output may contain.
const FAKE_SECRETS = [
  'FAKESECRETaccessKEYvalue0123456789',
  'FAKESESSIONtokenVALUE0123456789',
  'demoSecret',
  'demoToken',
];

function inTwoHours(): string {
  return new Date(Date.now() + 2 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

describe('gst-kvs CLI', function () {
  this.timeout(30_000);
  let directory: string;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'gst-kvs-cli-'));
  });

  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  describe('launch', () => {
    it('runs a pipeline to EOS', async () => {
      const result = await runCli([
        'launch',
        '--',
        'videotestsrc',
        'num-buffers=30',
        '!',
        'fakesink',
      ]);
      expect(result.code, result.stderr).to.equal(0);
      const lines = result.stdout.trim().split('\n');
      for (const line of lines) {
        expect(line).to.match(LINE);
      }
      expect(result.stdout).to.match(/state pipeline\d+: paused -> playing/);
      expect(result.stdout).to.include(' EOS\n');
      expect(result.stdout).to.include('exit 0: EOS reached');
      expect(result.stdout).to.not.include(
        'videotestsrc0: null -> ready',
        'element states need --verbose',
      );
    });

    it('prints every state change with --verbose', async () => {
      const result = await runCli([
        'launch',
        '--verbose',
        '--',
        'videotestsrc num-buffers=5 ! fakesink',
      ]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.include('state videotestsrc0: null -> ready');
    });

    it('prints only JSON lines with --json', async () => {
      const result = await runCli([
        'launch',
        '--json',
        '--',
        ...`${KVS_SOURCE} kvssink name=kvs stream-name=json fragment-duration=500`.split(' '),
      ]);

      // The default provider chain finds no credentials here, so this run exits 3. It checks
      // the JSON output of an error path, and the next test checks a run to EOS.
      const lines = result.stdout.trim().split('\n');
      for (const line of lines) {
        expect(() => JSON.parse(line), line).to.not.throw();
      }
      const exit = JSON.parse(lines.at(-1) as string);
      expect(exit.event).to.equal('exit');
      expect(exit.code).to.equal(3);
      expect(result.code).to.equal(3);
    });

    it('prints JSON events of a run to EOS', async () => {
      const result = await runCli([
        'launch',
        '--json',
        '--',
        'videotestsrc num-buffers=10 ! fakesink',
      ]);
      expect(result.code, result.stderr).to.equal(0);
      const events = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string; time: string; code?: number });
      expect(events.map((event) => event.event)).to.include.members([
        'start',
        'state-changed',
        'eos',
        'exit',
      ]);
      expect(events.at(-1)?.code).to.equal(0);
      expect(Number.isNaN(Date.parse(events[0].time))).to.equal(false);
    });

    it('exits 2 naming a missing element', async () => {
      const result = await runCli([
        'launch',
        '--',
        'videotestsrc',
        '!',
        'nosuchelement',
        '!',
        'fakesink',
      ]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('invalid pipeline description');
      expect(result.stderr).to.include('nosuchelement');
    });

    it('exits 2 on an invalid option', async () => {
      const result = await runCli(['launch', '--eos-timeout', 'soon', '--', 'fakesrc ! fakesink']);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('expected a positive number of seconds');
    });

    it('warns about --credentials without kvssink', async () => {
      const result = await runCli([
        'launch',
        '--credentials',
        'ecs',
        '--',
        'videotestsrc num-buffers=5 ! fakesink',
      ]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.include(
        '--credentials is ignored because the description has no kvssink',
      );
    });

    it('drains EOS on SIGTERM and exits 0', async () => {
      const run = startCli(['launch', '--', 'videotestsrc is-live=true ! fakesink']);
      await run.waitForOutput('paused -> playing');
      run.child.kill('SIGTERM');
      const result = await run.result;
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.include('SIGTERM received: sending EOS');
      expect(result.stdout).to.include(' EOS\n');
    });

    it('exits 4 when EOS does not arrive in time', async () => {
      const run = startCli([
        'launch',
        '--eos-timeout',
        '1',
        '--',
        'videotestsrc is-live=true ! queue max-size-time=0 max-size-bytes=0 max-size-buffers=1000 ! identity sleep-time=200000 ! fakesink',
      ]);
      await run.waitForOutput('paused -> playing');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      run.child.kill('SIGTERM');
      const result = await run.result;
      expect(result.code, result.stdout + result.stderr).to.equal(4);
      expect(result.stdout).to.include('no EOS within the EOS timeout');
    });

    it('exits 4 at once on a second SIGTERM', async () => {
      const run = startCli([
        'launch',
        '--eos-timeout',
        '30',
        '--',
        'videotestsrc is-live=true ! queue max-size-time=0 max-size-bytes=0 max-size-buffers=1000 ! identity sleep-time=200000 ! fakesink',
      ]);
      await run.waitForOutput('paused -> playing');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      run.child.kill('SIGTERM');
      await run.waitForOutput('sending EOS');
      const second = Date.now();
      run.child.kill('SIGTERM');
      const result = await run.result;
      expect(result.code, result.stdout + result.stderr).to.equal(4);
      expect(Date.now() - second).to.be.below(5000);
      expect(result.stdout).to.include('SIGTERM received again: stopping now');
    });

    it('streams to kvssink with credentials from an ECS endpoint', async function () {
      this.timeout(40_000);
      const server: DemoCredentialServer = await startDemoCredentialServer({
        lifetimeSeconds: 900,
      });
      try {
        const env = cliEnvironment({
          AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: server.authorizationToken,
        });
        const run = startCli(
          [
            'launch',
            '--credentials',
            'ecs',
            '--verbose',
            '--',
            ...`${KVS_SOURCE} kvssink name=kvs stream-name=cli fragment-duration=500`.split(' '),
          ],
          env,
        );
        await run.waitForOutput('fragment persisted kvs');
        run.child.kill('SIGINT');
        const result = await run.result;
        expect(result.code, result.stdout + result.stderr).to.equal(0);
        expect(result.stdout).to.match(/credentials refreshed: key ASIA…\d{4}, expires /);
        expect(result.stdout).to.include('fragment buffering kvs');
        expect(result.stdout).to.include('SIGINT received');
      } finally {
        await server.close();
      }
    });

    it('exits 3 when kvssink would ignore the credential file', async () => {
      const result = await runCli([
        'launch',
        '--verbose',
        '--',
        ...`${KVS_SOURCE} kvssink name=kvs access-key=AKIAFAKEACCESS00001 secret-key=${FAKE_SECRETS[0]} session-token="${FAKE_SECRETS[1]}"`.split(
          ' ',
        ),
      ]);
      expect(result.code).to.equal(3);
      expect(result.stderr).to.include('has access-key set');
      expect(result.stdout).to.include('secret-key=***');
    });

    it('exits 2 on a parse error of a description with secrets', async () => {
      const result = await runCli([
        'launch',
        '--verbose',
        '--',
        `fakesrc ! kvssink secret-key=${FAKE_SECRETS[0]} session-token=${FAKE_SECRETS[1]} ! nosuchelement`,
      ]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('nosuchelement');
    });
  });

  it('exits promptly when a KvsPipeline process calls process.exit() while PLAYING', async () => {
    const module = fileURLToPath(new URL('../lib/kvs/kvs-pipeline.js', import.meta.url));
    const script = `
      const { KvsPipeline } = await import(${JSON.stringify(module)});
      const kvs = new KvsPipeline(${JSON.stringify(`${KVS_SOURCE} kvssink name=kvs stream-name=exit`)}, {
        credentials: async () => ({ accessKeyId: 'ASIAEXITTEST00000001', secretAccessKey: 'exitSecret',
          sessionToken: 'exitToken', expiration: new Date(Date.now() + 900000) }),
      });
      kvs.on('fragment-ack', () => process.exit(7));
      await kvs.play();
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: cliEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, stderr).to.equal(7);
    expect(Date.now() - started).to.be.below(15_000);
  });

  describe('credentials check', () => {
    it('accepts a valid file', async () => {
      const file = join(directory, 'good');
      await writeFile(
        file,
        `CREDENTIALS ASIACHECKGOOD0000001 ${inTwoHours()} ${FAKE_SECRETS[0]} ${FAKE_SECRETS[1]}\n`,
      );
      const result = await runCli(['credentials', 'check', file]);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.match(
        /^valid for kvssink: key ASIA…0001, expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in (1h 59m|2h 0m)\)/,
      );
    });

    it('rejects an expiration in milliseconds form', async () => {
      const file = join(directory, 'milliseconds');
      const expiration = new Date(Date.now() + 3600_000).toISOString();
      await writeFile(
        file,
        `CREDENTIALS ASIACHECKBAD00000001 ${expiration} ${FAKE_SECRETS[0]} ${FAKE_SECRETS[1]}\n`,
      );
      const result = await runCli(['credentials', 'check', file]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^invalid for kvssink: /);
    });

    it('rejects a missing file with its status', async () => {
      const result = await runCli(['credentials', 'check', join(directory, 'missing')]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.include('ENOENT');
      expect(result.stdout).to.include('0x15000022');
    });
  });

  describe('demo', () => {
    it('runs against the test element and passes', async function () {
      this.timeout(40_000);
      const result = await runCli(['demo', '--duration', '6']);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.include('kvssink TEST ELEMENT');
      expect(result.stdout).to.include('nothing is uploaded');
      expect(result.stdout).to.match(/kvssink read the credential file \(start\): key ASIA…0001/);
      expect(result.stdout).to.match(
        /summary: \d+ fragments, 0 rotations, 1 keys used \(ASIA…0001\), 0 gaps/,
      );
    });

    it('prints JSON lines with --json', async function () {
      this.timeout(40_000);
      const result = await runCli(['demo', '--duration', '4', '--json']);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      const events = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string });
      expect(events.map((event) => event.event)).to.include.members([
        'demo',
        'fragment-ack',
        'summary',
        'exit',
      ]);
    });
  });

  // Mocha runs a suite's own tests before its child suites, so the scan is a suite of its own.
  describe('secret scan', () => {
    it('never prints a fake secret', () => {
      expect(capturedOutput.length).to.be.greaterThan(10);
      const all = capturedOutput.join('\n');
      for (const secret of FAKE_SECRETS) {
        expect(all.includes(secret), `output contains ${secret.slice(0, 6)}…`).to.equal(false);
      }
    });
  });
});
