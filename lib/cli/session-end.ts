import type { ExitCodeValue } from './exit-codes.js';

/** The end of a session: the exit code and a reason for the exit line. */
export type Outcome = { code: ExitCodeValue; reason: string };

export interface SessionEnd {
  promise: Promise<Outcome>;
  /** Settles the promise; later calls do nothing, so the first cause wins. */
  finish(outcome: Outcome): void;
  readonly done: boolean;
}

/** Creates the promise a session waits on, and keeps the event loop alive until it settles. */
export function createSessionEnd(): SessionEnd {
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

  // The pipeline's own threads do not keep Node.js running.
  const keepAlive = setInterval(() => undefined, 60_000);
  void promise.then(() => clearInterval(keepAlive));
  return {
    promise,
    finish: (outcome) => finish(outcome),
    get done() {
      return done;
    },
  };
}
