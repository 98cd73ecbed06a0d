import type { KvsPipeline } from '../kvs/kvs-pipeline.js';
import { classifyStartError, describeError } from './classify-error.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { Output } from './output.js';

export interface SessionOptions {
  output: Output;
  /** How long a signal or the duration's end waits for EOS before stopping. */
  eosTimeoutSeconds: number;
  /** Sends EOS after this many seconds (the demo); default: run until EOS or a signal. */
  durationSeconds?: number;
}

type Outcome = { code: ExitCodeValue; reason: string };

/**
 * Plays the pipeline and waits for the end: EOS, a bus error, the duration, or SIGINT or
 * SIGTERM. The first signal sends EOS and waits up to the EOS timeout; a second one exits
 * at once. Disposes the pipeline and returns the exit code.
 */
export async function runSession(kvs: KvsPipeline, options: SessionOptions): Promise<Outcome> {
  const { output } = options;
  const ended = createEnd();
  let draining = false;
  let signals = 0;

  const drain = (reason: string): void => {
    if (draining) {
      return;
    }
    draining = true;
    output.event('drain', `${reason}: sending EOS, waiting up to ${options.eosTimeoutSeconds} s`, {
      reason,
      eosTimeoutSeconds: options.eosTimeoutSeconds,
    });
    void kvs.sendEos().catch(() => undefined);
    setTimeout(
      () =>
        ended.finish({ code: ExitCode.stoppedWithoutEos, reason: 'no EOS within the EOS timeout' }),
      options.eosTimeoutSeconds * 1000,
    ).unref();
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) {
      drain(`${signal} received`);
      return;
    }
    output.event('exit', `${signal} received again: stopping now`, {
      code: ExitCode.stoppedWithoutEos,
      reason: `second ${signal}`,
    });
    kvs.removeGeneratedFilesSync();
    process.exit(ExitCode.stoppedWithoutEos);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  kvs.on('eos', () => ended.finish({ code: ExitCode.eos, reason: 'EOS reached' }));
  kvs.on('error', (error) => ended.finish({ code: ExitCode.pipelineError, reason: error.message }));

  try {
    await kvs.play();
  } catch (error) {
    const { code, label } = classifyStartError(error);
    const reason = `${label}: ${describeError(error)}`;
    process.stderr.write(`gst-kvs: ${output.redact(reason)}\n`);
    ended.finish({ code, reason });
  }

  // A signal during play() could not send EOS to a pipeline that was not yet running.
  if (draining && signals > 0) {
    void kvs.sendEos().catch(() => undefined);
  }
  if (options.durationSeconds !== undefined) {
    setTimeout(
      () => drain(`${options.durationSeconds} s elapsed`),
      options.durationSeconds * 1000,
    ).unref();
  }

  const outcome = await ended.promise;
  await kvs.dispose().catch(() => undefined);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return outcome;
}

function createEnd(): { promise: Promise<Outcome>; finish: (outcome: Outcome) => void } {
  let finish: (outcome: Outcome) => void = () => undefined;
  let done = false;
  const promise = new Promise<Outcome>((resolve) => {
    finish = (outcome) => {
      if (!done) {
        done = true;
        resolve(outcome);
      }
    };
  });

  // Keeps the event loop alive while the pipeline runs: its own threads do not.
  const keepAlive = setInterval(() => undefined, 60_000);
  void promise.then(() => clearInterval(keepAlive));
  return { promise, finish };
}
