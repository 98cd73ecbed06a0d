// Bus delivery latency: the time from the bus receiving a message (stamped by a bus sync
// handler, CLOCK_MONOTONIC) to the JavaScript handler running, next to a C program that pops
// the same messages with a plain GLib main loop. Idle, and with a 1080p videotestsrc !
// videoconvert ! fakesink pipeline running in the same process.
//
// Usage: npm run bench [-- --messages N]
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Pipeline } from '../lib/index.js';
import { loadNative } from '../lib/native.js';

const SOURCE_DESCRIPTION =
  'audiotestsrc is-live=true samplesperbuffer=48 ! audio/x-raw,rate=48000 ! ' +
  'level interval=5000000 post-messages=true ! fakesink sync=true';
// videoconvert converts for real (I420 to BGRx) so the load pipeline keeps a core busy.
const LOAD_DESCRIPTION =
  'videotestsrc ! video/x-raw,width=1920,height=1080,format=I420 ! videoconvert ! ' +
  'video/x-raw,format=BGRx ! fakesink';

interface LatencyResult {
  messages: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function parseMessageCount(): number {
  const index = process.argv.indexOf('--messages');
  const count = index === -1 ? 2000 : Number(process.argv[index + 1]);
  if (!Number.isInteger(count) || count < 100) {
    throw new RangeError(
      `--messages must be an integer of at least 100, got ${process.argv[index + 1]}`,
    );
  }
  return count;
}

function buildBaseline(): string {
  const output = join(repoRoot, 'build', 'bench', 'bus-latency');
  mkdirSync(dirname(output), { recursive: true });
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'gstreamer-1.0'], {
    encoding: 'utf8',
  });
  const source = join(repoRoot, 'bench', 'c', 'bus-latency.c');
  execFileSync('sh', ['-c', `cc -O2 -o "${output}" "${source}" ${flags}`], { stdio: 'inherit' });
  return output;
}

function runBaseline(binary: string, messages: number, load: string): LatencyResult {
  const output = execFileSync(binary, [String(messages), load], { encoding: 'utf8' });
  return JSON.parse(output) as LatencyResult;
}

function summarize(latenciesNs: bigint[]): LatencyResult {
  const sorted = latenciesNs.map((value) => Number(value) / 1000).sort((a, b) => a - b);
  const at = (fraction: number): number => sorted[Math.floor(sorted.length * fraction)];
  return {
    messages: sorted.length,
    p50Us: at(0.5),
    p99Us: at(0.99),
    maxUs: sorted[sorted.length - 1],
  };
}

async function runNode(messages: number, load: string): Promise<LatencyResult> {
  const loadPipeline = load === '' ? undefined : new Pipeline(load);
  await loadPipeline?.play();

  const source = new Pipeline(SOURCE_DESCRIPTION);
  const latenciesNs: bigint[] = [];
  const done = new Promise<void>((resolveDone, rejectDone) => {
    source.on('error', rejectDone);
    source.on('element', (message) => {
      latenciesNs.push(process.hrtime.bigint() - message.receivedAt);
      if (latenciesNs.length === messages) {
        resolveDone();
      }
    });
  });
  await source.play();
  await done;

  await source.dispose();
  await loadPipeline?.dispose();
  return summarize(latenciesNs);
}

function formatRow(label: string, node: LatencyResult, baseline: LatencyResult): string {
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  return [
    label.padEnd(8),
    `${node.p50Us.toFixed(1).padStart(8)} ${baseline.p50Us.toFixed(1).padStart(8)} ${ratio(node.p50Us, baseline.p50Us).padStart(7)}`,
    `${node.p99Us.toFixed(1).padStart(8)} ${baseline.p99Us.toFixed(1).padStart(8)} ${ratio(node.p99Us, baseline.p99Us).padStart(7)}`,
  ].join('   ');
}

async function main(): Promise<void> {
  const messages = parseMessageCount();
  const baselineBinary = buildBaseline();
  console.log(`bus delivery latency, ${messages} level messages per run, microseconds`);
  console.log(`${loadNative().gstreamerVersion()}, Node ${process.version}`);
  console.log('');
  console.log(
    `${'load'.padEnd(8)}   ${'node p50'.padStart(8)} ${'C p50'.padStart(8)} ${'ratio'.padStart(7)}   ` +
      `${'node p99'.padStart(8)} ${'C p99'.padStart(8)} ${'ratio'.padStart(7)}`,
  );
  for (const [label, load] of [
    ['idle', ''],
    ['1080p', LOAD_DESCRIPTION],
  ] as const) {
    const baseline = runBaseline(baselineBinary, messages, load);
    const node = await runNode(messages, load);
    console.log(formatRow(label, node, baseline));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
