import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

import {
  startDemoCredentialServer,
  type DemoCredentialServer,
} from '../lib/demo/credential-server.js';
import { judgeDemo } from '../lib/demo/demo-verdict.js';
import { capturedOutput, cliEnvironment, runCli, startCli } from './helpers/cli.js';

const LINE = /^\d{2}:\d{2}:\d{2}\.\d{3} \S/;

// identity's sleep keeps the change to PLAYING from completing (observed with GStreamer
// 1.22), so a signal arrives while the session is still starting.
const STUCK_BEFORE_PLAYING = 'videotestsrc is-live=true ! identity sleep-time=3000000 ! fakesink';

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
      expect(result.stderr).to.include("option '--eos-timeout <seconds>' argument 'soon'");
      expect(result.stderr).to.include('Expected a number of seconds greater than 0');
    });

    it('rejects seconds options out of range', async () => {
      const cases: Array<{ args: string[]; option: string; value: string; range: string }> = [
        {
          args: ['launch', '--eos-timeout', '3000000'],
          option: '--eos-timeout',
          value: '3000000',
          range: 'at most 2147483',
        },
        {
          args: ['launch', '--eos-timeout=-1'],
          option: '--eos-timeout',
          value: '-1',
          range: 'greater than 0',
        },
        {
          args: ['launch', '--play-timeout', '1e9'],
          option: '--play-timeout',
          value: '1e9',
          range: 'at most 2147483',
        },
        {
          args: ['launch', '--play-timeout', '0'],
          option: '--play-timeout',
          value: '0',
          range: 'greater than 0',
        },
        {
          args: ['launch', '--stop-stream-timeout', '1.5'],
          option: '--stop-stream-timeout',
          value: '1.5',
          range: 'from 0 to 2147478',
        },
        {
          args: ['demo', '--duration', '3000000'],
          option: '--duration',
          value: '3000000',
          range: 'at most 2147483',
        },
        {
          args: ['demo', '--lifetime', 'Infinity'],
          option: '--lifetime',
          value: 'Infinity',
          range: 'at most 2147483',
        },
        {
          args: ['demo', '--eos-timeout', 'NaN'],
          option: '--eos-timeout',
          value: 'NaN',
          range: 'greater than 0',
        },
      ];
      for (const { args, option, value, range } of cases) {
        const words = args[0] === 'launch' ? [...args, '--', 'fakesrc ! fakesink'] : args;
        const result = await runCli(words);
        const label = args.join(' ');
        expect(result.code, label).to.equal(2);
        expect(result.stderr, label).to.include(`option '${option} <seconds>' argument '${value}'`);
        expect(result.stderr, label).to.include(range);
        expect(result.stderr, label).to.not.include('TimeoutOverflowWarning');
      }
    });

    it('prints no JSON for a usage error', async () => {
      const result = await runCli([
        'launch',
        '--json',
        '--eos-timeout',
        '0',
        '--',
        'fakesrc ! fakesink',
      ]);
      expect(result.code).to.equal(2);
      expect(result.stdout).to.equal('');
      expect(result.stderr).to.include("option '--eos-timeout <seconds>' argument '0'");
    });

    it('shows the --play-timeout default in help', async () => {
      const result = await runCli(['launch', '--help']);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.match(/--play-timeout <seconds>[^-]*\(default: 30\)/);
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
      expect(result.stdout).to.include('exit 4: SIGTERM received again: stopped without EOS');
    });

    it('stops at once on a signal before PLAYING', async () => {
      const run = startCli([
        'launch',
        '--eos-timeout',
        '1',
        '--play-timeout',
        '15',
        '--',
        STUCK_BEFORE_PLAYING,
      ]);
      await run.waitForOutput('ready -> paused');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const signalled = Date.now();
      run.child.kill('SIGINT');
      const result = await run.result;
      expect(result.code, result.stdout + result.stderr).to.equal(4);
      expect(Date.now() - signalled).to.be.below(5000);
      expect(result.stdout).to.include('SIGINT received before PLAYING: stopping the pipeline');
      expect(result.stdout).to.include('exit 4: SIGINT received before PLAYING');
      expect(result.stderr).to.not.include('timed out');
    });

    it('exits at once on a second signal before PLAYING', async () => {
      const run = startCli(['launch', '--eos-timeout', '30', '--', STUCK_BEFORE_PLAYING]);
      await run.waitForOutput('ready -> paused');
      run.child.kill('SIGINT');
      await run.waitForOutput('received before PLAYING');
      const second = Date.now();
      run.child.kill('SIGINT');
      const result = await run.result;
      expect(result.code, result.stdout + result.stderr).to.equal(4);
      expect(Date.now() - second).to.be.below(5000);
      // Under load the first stop can finish before the second signal lands; exit 4 either way.
      expect(result.stdout).to.match(
        /exit 4: SIGINT received (again: stopped without EOS|before PLAYING)/,
      );
    });

    it('removes its files after a signal during the credential fetch', async () => {
      // credential_process runs for 3 s, so the signal arrives during the first fetch.
      const home = join(directory, 'slow-process');
      const temporary = join(home, 'tmp');
      await mkdir(temporary, { recursive: true });
      await writeFile(join(home, 'config'), '[default]\ncredential_process = sleep 3\n');
      const env = cliEnvironment({
        TMPDIR: temporary,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      });
      const run = startCli(
        [
          'launch',
          '--credentials',
          'process',
          '--',
          ...`${KVS_SOURCE} kvssink name=kvs stream-name=slow`.split(' '),
        ],
        env,
      );
      await run.waitForOutput('pipeline pipeline');
      // The start line comes just before the signal handlers are installed.
      await new Promise((resolve) => setTimeout(resolve, 300));
      run.child.kill('SIGINT');
      const result = await run.result;
      expect(result.code, result.stdout + result.stderr).to.equal(4);
      expect(result.stdout).to.include('exit 4: SIGINT received before PLAYING');
      expect(result.stderr).to.not.include('credentials error');
      expect(await readdir(temporary)).to.deep.equal([]);
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

    it('rejects a FIFO without blocking', async () => {
      const fifo = join(directory, 'fifo');
      const mkfifo = spawnSync('mkfifo', [fifo]);
      expect(mkfifo.status, String(mkfifo.stderr)).to.equal(0);
      const result = await runCli(['credentials', 'check', fifo]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.include('is a FIFO; kvssink needs a regular file');
    });

    it('rejects a directory', async () => {
      const result = await runCli(['credentials', 'check', directory]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.include('is a directory; kvssink needs a regular file');
    });

    it('reports the byte size of a binary file', async () => {
      const file = join(directory, 'binary');
      await writeFile(file, randomBytes(20_000));
      const result = await runCli(['credentials', 'check', file]);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.include('The credential file is 20000 bytes');
      expect(result.stdout).to.include('0x15000023');
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
        /summary: \d+ fragments, 0 rotations, 1 key used \(ASIA…0001\), 0 gaps/,
      );
    });

    it('exits 3 when --lifetime is under 30 s', async () => {
      const result = await runCli(['demo', '--lifetime', '10', '--duration', '5']);
      expect(result.code, result.stdout + result.stderr).to.equal(3);
      expect(result.stdout).to.include('kvssink needs at least 30 s');
      expect(result.stdout).to.include('exit 3: demo failed');
    });

    it('fails a run with no fragment', () => {
      const summary = { fragments: 0, rotations: 0, keys: [], gaps: 0, expiredKeySignatures: 0 };
      const verdict = judgeDemo({ code: 0, reason: 'EOS reached' }, summary);
      expect(verdict.code).to.equal(1);
      expect(verdict.passed).to.equal(false);
      expect(verdict.text).to.equal('demo failed: the test element reported no fragment');
    });

    it('keeps the exit code of a run stopped without EOS', () => {
      const summary = {
        fragments: 3,
        rotations: 0,
        keys: ['ASIA1'],
        gaps: 1,
        expiredKeySignatures: 0,
      };
      const verdict = judgeDemo({ code: 4, reason: 'no EOS within the EOS timeout' }, summary);
      expect(verdict.code).to.equal(4);
      expect(verdict.text).to.equal('demo failed: no EOS within the EOS timeout, 1 gaps');
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
