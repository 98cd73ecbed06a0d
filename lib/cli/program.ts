import { Command, InvalidArgumentError, Option } from 'commander';

import { credentialSourceFromSpec } from '../credentials/index.js';
import { KVS_LOG_LEVELS } from '../kvs/log-config.js';
import { checkCredentialFile } from './credentials-check.js';
import { runDemoCommand } from './demo-command.js';
import { DEMO_EXIT_CODES_HELP, EXIT_CODES_HELP } from './exit-codes.js';
import { launch, type LaunchOptions } from './launch.js';
import { parsePositiveSeconds, parseStopStreamTimeout } from './parse-seconds.js';

/** Builds the gst-kvs command line. Actions set process.exitCode. */
export function buildProgram(): Command {
  const program = new Command('gst-kvs')
    .description(
      'Run GStreamer pipelines with Amazon Kinesis Video Streams kvssink credentials kept fresh',
    )
    .exitOverride()
    .showHelpAfterError()
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);

  addLaunchCommand(program);
  addCredentialsCommand(program);
  addDemoCommand(program);
  return program;
}

function addLaunchCommand(program: Command): void {
  program
    .command('launch')
    .description(
      'Run a pipeline written as for gst-launch-1.0, e.g. launch -- videotestsrc ! fakesink',
    )
    .argument('<description...>', 'pipeline description; put -- before it')
    .option('--json', 'print one JSON object per line on standard output')
    .option('--verbose', "print every element's state changes, debug strings, all fragment acks")
    .option(
      '--eos-timeout <seconds>',
      'after a signal, wait this long for EOS (or, before PLAYING, for the pipeline to stop)',
      parsePositiveSeconds,
      10,
    )
    .option(
      '--play-timeout <seconds>',
      'fail if PLAYING is not reached in this time',
      parsePositiveSeconds,
      30,
    )
    .option(
      '--credentials <source>',
      'credential provider for kvssink: chain (default), ecs, ini, ini:<profile>, process',
      parseCredentialSpec,
    )
    .option(
      '--credential-file <path>',
      'credential file kvssink reads (default: a private temporary file)',
    )
    .addOption(
      new Option('--kvs-log-level <level>', "kvssink's log4cplus level")
        .choices(KVS_LOG_LEVELS)
        .default('INFO'),
    )
    .option('--kvs-log-file <path>', "write kvssink's log to this file instead of standard error")
    .option(
      '--remove-env-credentials',
      'delete AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN from the environment, which kvssink would use instead of the file',
    )
    .option(
      '--stop-stream-timeout <seconds>',
      "kvssink's wait for the last acknowledgements at stop, unless the description sets it",
      parseStopStreamTimeout,
      10,
    )
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (words: string[], options: LaunchOptions) => {
      process.exitCode = await launch(words, options);
    });
}

function addCredentialsCommand(program: Command): void {
  const credentials = program
    .command('credentials')
    .description('Work with kvssink credential files');
  credentials
    .command('check')
    .description('Check that kvssink accepts a credential file; exit 0 if it does, 1 if not')
    .argument('<file>', 'credential file')
    .action(async (file: string) => {
      process.exitCode = await checkCredentialFile(file);
    });
}

function addDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Stream to the kvssink TEST ELEMENT with rotating credentials from a local endpoint; nothing is uploaded',
    )
    .option('--duration <seconds>', 'send EOS after this many seconds', parsePositiveSeconds, 60)
    .option(
      '--lifetime <seconds>',
      'lifetime of each fake credential; kvssink rejects less than 30',
      parsePositiveSeconds,
      90,
    )
    .option('--json', 'print one JSON object per line on standard output')
    .option(
      '--eos-timeout <seconds>',
      'wait this long for EOS at the end or after a signal',
      parsePositiveSeconds,
      10,
    )
    .option(
      '--stream <name>',
      'stream to your own Kinesis video stream with the real kvssink and your AWS credentials',
    )
    .addHelpText('after', `\n${DEMO_EXIT_CODES_HELP}`)
    .action(async (options) => {
      process.exitCode = await runDemoCommand(options);
    });
}

function parseCredentialSpec(value: string): string {
  try {
    credentialSourceFromSpec(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
}
