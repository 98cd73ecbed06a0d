#!/usr/bin/env node
// The gst-kvs command: runs GStreamer pipelines in this process, with kvssink's
// credentials kept fresh. See docs/cli.md.
import { CommanderError } from 'commander';

import { ExitCode } from './exit-codes.js';
import { buildProgram } from './program.js';

async function main(): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other parse failure is a usage error.
      return error.exitCode === 0 ? 0 : ExitCode.usage;
    }
    throw error;
  }
  return Number(process.exitCode ?? 0);
}

const code = await main();

// Exit explicitly once standard output is flushed: a pipeline's threads or a provider's
// sockets must not keep the command alive after it is done.
process.stdout.write('', () => process.exit(code));
