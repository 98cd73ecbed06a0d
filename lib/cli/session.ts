import type { KvsPipeline } from '../kvs/kvs-pipeline.js';
import { classifyStartError, describeError } from './classify-error.js';
import { ExitCode } from './exit-codes.js';
import type { Output } from './output.js';
import { createSessionEnd, type Outcome } from './session-end.js';

export interface SessionOptions {
  output: Output;
  /**
   * How long a signal or the duration's end waits for EOS before stopping. A signal before
   * PLAYING waits this long for the pipeline to stop instead.
   */
  eosTimeoutSeconds: number;
  /** Sends EOS after this many seconds (the demo); default: run until EOS or a signal. */
  durationSeconds?: number;
}

/**
 * Plays the pipeline and waits for the end: EOS, a bus error, the duration, or SIGINT or
 * SIGTERM. Once PLAYING, the first signal sends EOS and waits up to the EOS timeout. Before
 * PLAYING there is nothing to drain, so it stops the pipeline without EOS, waiting at most
 * the EOS timeout. A second signal exits at once. Disposes the pipeline and returns the
 * exit code.
 */
export async function runSession(kvs: KvsPipeline, options: SessionOptions): Promise<Outcome> {
  const { output, eosTimeoutSeconds } = options;
  const ended = createSessionEnd();
  let playing = false;
  let stoppedBeforePlaying = false;
  let draining = false;
  let signals = 0;

  const drain = (reason: string): void => {
    if (draining) {
      return;
    }
    draining = true;
    output.event('drain', `${reason}: sending EOS, waiting up to ${eosTimeoutSeconds} s`, {
      reason,
      eosTimeoutSeconds,
    });
    void kvs.sendEos().catch(() => undefined);
    setTimeout(
      () =>
        ended.finish({ code: ExitCode.stoppedWithoutEos, reason: 'no EOS within the EOS timeout' }),
      eosTimeoutSeconds * 1000,
    ).unref();
  };

  const stopBeforePlaying = (signal: NodeJS.Signals): void => {
    stoppedBeforePlaying = true;
    output.event(
      'stop',
      `${signal} received before PLAYING: stopping the pipeline without EOS, ` +
        `waiting up to ${eosTimeoutSeconds} s`,
      { reason: `${signal} received`, eosTimeoutSeconds },
    );
    ended.finish({
      code: ExitCode.stoppedWithoutEos,
      reason: `${signal} received before PLAYING`,
    });
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      exitNow(kvs, output, signal);
    }
    if (playing) {
      drain(`${signal} received`);
    } else if (!ended.done) {
      stopBeforePlaying(signal);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // The state-changed message reaches JavaScript before play() resolves, and a signal sent
  // after the "paused -> playing" line must drain.
  kvs.on('state-changed', (message) => {
    if (message.source === kvs.pipeline.name && message.newState === 'playing') {
      playing = true;
    }
  });
  kvs.on('eos', () => ended.finish({ code: ExitCode.eos, reason: 'EOS reached' }));
  kvs.on('error', (error) => ended.finish({ code: ExitCode.pipelineError, reason: error.message }));

  // Not awaited here: a signal must be able to end the session while play() is pending.
  const started = kvs.play().then(
    () => {
      playing = true;
      if (options.durationSeconds !== undefined && !ended.done) {
        const seconds = options.durationSeconds;
        setTimeout(() => drain(`${seconds} s elapsed`), seconds * 1000).unref();
      }
    },
    (error: unknown) => {
      // After a signal before PLAYING, play() rejects because the pipeline was disposed.
      if (stoppedBeforePlaying) {
        return;
      }
      const { code, label } = classifyStartError(error);
      const reason = `${label}: ${describeError(error)}`;
      process.stderr.write(`gst-kvs: ${output.redact(reason)}\n`);
      ended.finish({ code, reason });
    },
  );

  let outcome = await ended.promise;
  if (stoppedBeforePlaying) {
    const stopped = await stopWithin(kvs, started, eosTimeoutSeconds);
    if (!stopped) {
      outcome = {
        ...outcome,
        reason: `${outcome.reason}; the pipeline did not stop within ${eosTimeoutSeconds} s`,
      };
    }
  } else {
    await kvs.dispose().catch(() => undefined);
  }

  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return outcome;
}

/**
 * Disposes a pipeline that has not reached PLAYING and waits for play() to settle, for at
 * most `seconds`. Returns false on timeout, after removing the generated files, because a
 * state change that blocks in an element also blocks the change to NULL behind it.
 */
async function stopWithin(
  kvs: KvsPipeline,
  started: Promise<void>,
  seconds: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), seconds * 1000);
  });
  const stopped = Promise.allSettled([started, kvs.dispose()]).then(() => true);

  const result = await Promise.race([stopped, timedOut]);
  clearTimeout(timer);
  if (!result) {
    kvs.removeGeneratedFilesSync();
  }
  return result;
}

/** Handles a second signal: prints the exit line and exits 4 without waiting for anything. */
function exitNow(kvs: KvsPipeline, output: Output, signal: NodeJS.Signals): never {
  const reason = `${signal} received again: stopped without EOS`;
  output.event('exit', `exit ${ExitCode.stoppedWithoutEos}: ${reason}`, {
    code: ExitCode.stoppedWithoutEos,
    reason,
  });
  kvs.removeGeneratedFilesSync();
  process.exit(ExitCode.stoppedWithoutEos);
}
