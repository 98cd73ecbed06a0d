export interface RetryPlanInput {
  /** Number of failed attempts so far, starting at 1. */
  attempt: number;
  /** Current time in milliseconds since the epoch. */
  now: number;
  /** Time by which new credentials must be written, if any. */
  deadline?: Date;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Random number in [0, 1) that sets the jitter. */
  random: number;
}

export interface RetryPlan {
  retryAt: Date;
  /** The retry comes after the deadline: kvssink will read the held credentials and fail. */
  fatal: boolean;
}

/**
 * Plans a retry with bounded exponential back-off: the delay doubles from `initialDelayMs` up
 * to `maxDelayMs`, and jitter takes up to half of it away. A retry that would miss the
 * deadline is moved to the deadline itself, as the last one that can still land in time.
 */
export function planRetry(input: RetryPlanInput): RetryPlan {
  const exponent = Math.min(Math.max(input.attempt - 1, 0), 30);
  const delay = Math.min(input.maxDelayMs, input.initialDelayMs * 2 ** exponent);
  let retryAt = input.now + delay * (1 - 0.5 * input.random);

  const deadline = input.deadline?.getTime();
  if (deadline === undefined) {
    return { retryAt: new Date(retryAt), fatal: false };
  }

  if (retryAt > deadline && input.now < deadline) {
    retryAt = deadline;
  }

  return { retryAt: new Date(retryAt), fatal: retryAt > deadline || input.now >= deadline };
}
