import { InvalidArgumentError } from 'commander';

/**
 * The maximum of a seconds option. setTimeout() and Pipeline's timeouts take at most
 * 2^31 - 1 ms, and Node.js runs a longer setTimeout() after 1 ms with a TimeoutOverflowWarning.
 */
export const MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

// KvsPipeline waits stop-stream-timeout + 5 s for the pipeline to reach NULL.
const TEARDOWN_EXTRA_SECONDS = 5;
export const MAX_STOP_STREAM_TIMEOUT = MAX_SECONDS - TEARDOWN_EXTRA_SECONDS;

/**
 * Parses a seconds option that must be positive, e.g. "10" or "0.5". Commander adds the
 * option name and the value to the message.
 */
export function parsePositiveSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SECONDS) {
    throw new InvalidArgumentError(
      `Expected a number of seconds greater than 0 and at most ${MAX_SECONDS}.`,
    );
  }
  return seconds;
}

/** Parses --stop-stream-timeout: whole seconds, since kvssink's property is a guint. */
export function parseStopStreamTimeout(value: string): number {
  const seconds = Number(value);
  if (
    value.trim() === '' ||
    !Number.isInteger(seconds) ||
    seconds < 0 ||
    seconds > MAX_STOP_STREAM_TIMEOUT
  ) {
    throw new InvalidArgumentError(
      `Expected a whole number of seconds from 0 to ${MAX_STOP_STREAM_TIMEOUT}.`,
    );
  }
  return seconds;
}
