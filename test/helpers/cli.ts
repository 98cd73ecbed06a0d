// Runs the gst-kvs command in a child process and keeps everything it printed, so tests
// can also search all of it for secrets afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { useTestElement } from '../../lib/kvs/test-element.js';

export const CLI_PATH = fileURLToPath(new URL('../../lib/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  elapsedMs: number;
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when `text` appears on standard output. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  result: Promise<CliResult>;
}

/** Everything every CLI child printed during this test run, for the secret scan. */
export const capturedOutput: string[] = [];

let testElementEnvironment: NodeJS.ProcessEnv | undefined;

/** Returns a copy of process.env with the kvssink test element and no real AWS endpoints. */
export function cliEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (testElementEnvironment === undefined) {
    testElementEnvironment = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' };
    useTestElement(testElementEnvironment);
  }
  return { ...testElementEnvironment, ...extra };
}

/** Starts `node dist/lib/cli/main.js ...args`. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = cliEnvironment()): CliRun {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: string | RegExp; resolve: () => void }> = [];

  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of [...waiters]) {
      if (matches(stdout, waiter.pattern)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      capturedOutput.push(stdout, stderr);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });

  const waitForOutput = (pattern: string | RegExp, timeoutMs = 20_000): Promise<void> => {
    if (matches(stdout, pattern)) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `No "${String(pattern)}" on stdout within ${timeoutMs} ms:\n${stdout}\n${stderr}`,
          ),
        );
      }, timeoutMs);
      waiters.push({
        pattern,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      void result.then(() => {
        clearTimeout(timer);
        reject(new Error(`CLI exited before "${String(pattern)}":\n${stdout}\n${stderr}`));
      });
    });
  };

  return { child, waitForOutput, result };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return startCli(args, env).result;
}

function matches(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}
