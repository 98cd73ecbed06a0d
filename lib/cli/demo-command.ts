import { spawnSync } from 'node:child_process';

import { credentialSourceFromSpec } from '../credentials/index.js';
import { demoDescription } from '../demo/demo-description.js';
import { runDemo } from '../demo/run-demo.js';
import { KvsPipeline } from '../kvs/kvs-pipeline.js';
import { createRedactor } from '../redact-description.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { Output } from './output.js';
import { printPipelineEvents } from './print-events.js';
import { runSession } from './session.js';

export interface DemoCommandOptions {
  duration: number;
  lifetime: number;
  eosTimeout: number;
  json?: boolean;
  stream?: string;
}

/** Runs `gst-kvs demo`: the test element demo, or with --stream a real upload. */
export async function runDemoCommand(options: DemoCommandOptions): Promise<ExitCodeValue> {
  const output = new Output({
    json: options.json ?? false,
    verbose: false,
    redact: (text) => text,
  });
  if (options.stream === undefined) {
    return runDemo({
      durationSeconds: options.duration,
      lifetimeSeconds: options.lifetime,
      eosTimeoutSeconds: options.eosTimeout,
      output,
    });
  }
  return streamToAws(options, options.stream, output);
}

/**
 * Streams the demo pattern to the user's own stream with the real kvssink and the AWS
 * SDK's default provider chain. This sends traffic to AWS, so no test runs it.
 */
async function streamToAws(
  options: DemoCommandOptions,
  streamName: string,
  output: Output,
): Promise<ExitCodeValue> {
  if (!/^[a-zA-Z0-9_.-]{1,256}$/.test(streamName)) {
    process.stderr.write(
      `gst-kvs: invalid stream name "${streamName}": use 1-256 of a-z A-Z 0-9 _ . -\n`,
    );
    return ExitCode.usage;
  }
  const problem = findRealKvssink();
  if (problem !== null) {
    process.stderr.write(`gst-kvs: ${problem}\n`);
    return ExitCode.usage;
  }

  const description = demoDescription(streamName);
  output.setRedactor(createRedactor(description));
  output.event('demo', `streaming to Kinesis video stream "${streamName}" with the real kvssink`, {
    stream: streamName,
  });
  const kvs = new KvsPipeline(description, { credentials: credentialSourceFromSpec('chain') });
  printPipelineEvents(kvs, output);
  const outcome = await runSession(kvs, {
    output,
    eosTimeoutSeconds: options.eosTimeout,
    durationSeconds: options.duration,
  });
  output.event('exit', `exit ${outcome.code}: ${outcome.reason}`, { ...outcome });
  return outcome.code;
}

/** Returns null when the real kvssink is installed, or a message saying what is wrong. */
function findRealKvssink(): string | null {
  const result = spawnSync('gst-inspect-1.0', ['kvssink'], { encoding: 'utf8' });
  if (result.error !== undefined) {
    return `cannot run gst-inspect-1.0 to look for kvssink: ${result.error.message}`;
  }
  if (result.status !== 0) {
    return (
      'kvssink is not installed: build the Amazon Kinesis Video Streams C++ producer SDK ' +
      'with its GStreamer plugin and add its directory to GST_PLUGIN_PATH'
    );
  }
  if (result.stdout.includes('libgstkvssinktest')) {
    return 'the kvssink on GST_PLUGIN_PATH is the gst-kvs test element, not the real kvssink';
  }
  return null;
}
