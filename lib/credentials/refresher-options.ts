import { describeType } from './describe-type.js';
import { DEFAULT_LEAD_SECONDS, DEFAULT_SAFETY_MARGIN_SECONDS } from './schedule.js';
import type { CredentialSource, CredentialTarget } from './types.js';

export interface RefresherOptions {
  source: CredentialSource;
  targets: CredentialTarget[];
  /** Seconds before kvssink's read (E - 3 s) by which new credentials must be written. Default 15. */
  safetyMarginSeconds?: number;
  /** For long-lived credentials, refresh this long before expiration. Default 300. */
  leadSeconds?: number;
  /** Back-off between failed refreshes, in milliseconds. Defaults 1000 and 30000 (at least the initial delay). */
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * Time the source may take to return credentials, in milliseconds. A slower fetch counts as
   * failed and is retried, and its late result is ignored. Default 30000.
   */
  fetchTimeoutMs?: number;
  /** Clock in milliseconds since the epoch, for tests. Default Date.now. */
  now?: () => number;
}

export interface ResolvedOptions {
  source: CredentialSource;
  targets: CredentialTarget[];
  safetyMarginSeconds: number;
  leadSeconds: number;
  initialDelayMs: number;
  maxDelayMs: number;
  fetchTimeoutMs: number;
  now: () => number;
}

/** Checks refresher options and fills in defaults; throws a TypeError naming the bad option. */
export function resolveRefresherOptions(options: RefresherOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('CredentialRefresher options must be an object');
  }
  if (typeof options.source !== 'function') {
    throw new TypeError(`options.source must be a function, received ${typeof options.source}`);
  }
  if (!Array.isArray(options.targets) || options.targets.length === 0) {
    throw new TypeError('options.targets must be a non-empty array of credential targets');
  }
  for (const [index, target] of options.targets.entries()) {
    if (target === null || typeof target !== 'object' || typeof target.write !== 'function') {
      throw new TypeError(`options.targets[${index}] must have a write(credentials) method`);
    }
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new TypeError(`options.now must be a function, received ${typeof options.now}`);
  }

  const initialDelayMs = checkNumber(
    'retry.initialDelayMs',
    options.retry?.initialDelayMs,
    1000,
    1,
  );
  const maxDelayMs = checkNumber(
    'retry.maxDelayMs',
    options.retry?.maxDelayMs,
    Math.max(30_000, initialDelayMs),
    initialDelayMs,
  );

  return {
    source: options.source,
    targets: [...options.targets],
    safetyMarginSeconds: checkNumber(
      'safetyMarginSeconds',
      options.safetyMarginSeconds,
      DEFAULT_SAFETY_MARGIN_SECONDS,
      0,
    ),
    leadSeconds: checkNumber('leadSeconds', options.leadSeconds, DEFAULT_LEAD_SECONDS, 0),
    initialDelayMs,
    maxDelayMs,
    fetchTimeoutMs: checkNumber('fetchTimeoutMs', options.fetchTimeoutMs, 30_000, 1),
    now: options.now ?? Date.now,
  };
}

function checkNumber(
  name: string,
  value: number | undefined,
  fallback: number,
  minimum: number,
): number {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== 'number') {
    throw new TypeError(
      `options.${name} must be a finite number >= ${minimum}, received ${describeType(value)}`,
    );
  }
  if (!Number.isFinite(value) || value < minimum) {
    throw new TypeError(
      `options.${name} must be a finite number >= ${minimum}, received ${String(value)}`,
    );
  }
  return value;
}
