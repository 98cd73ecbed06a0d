import { KVSSINK_LIMITS } from './kvssink-limits.js';

/** kvssink re-reads its credential file this long before the held credentials expire. */
export const KVSSINK_READ_LEAD_SECONDS = 3;

/** kvssink caps the expiration it caches at this long after reading the file (40 minutes). */
export const KVSSINK_MAX_CACHE_SECONDS = 40 * 60;

export const DEFAULT_SAFETY_MARGIN_SECONDS = 15;
export const DEFAULT_LEAD_SECONDS = 300;

/** Extra life new credentials must have beyond kvssink's 30 s minimum, for clock skew. */
export const DEFAULT_SLACK_SECONDS = 5;

// Jitter spreads refreshes of many processes; it stays small against the refresh window.
const MAX_JITTER_MS = 30_000;
const JITTER_WINDOW_FRACTION = 0.1;

export interface RefreshPlanInput {
  /** Expiration of the credentials last written, which kvssink has cached or reads next (E). */
  expiration: Date;
  /** Lifetime the provider gives new credentials: expiration minus fetch time (L). */
  lifetimeSeconds: number;
  /** Current time in milliseconds since the epoch. */
  now: number;
  safetyMarginSeconds?: number;
  leadSeconds?: number;
  slackSeconds?: number;
  /** Random number in [0, 1) that sets the jitter; 0 means no jitter. */
  random?: number;
}

export interface RefreshPlan {
  /** When to fetch and write new credentials. */
  refreshAt: Date;
  /** Credentials fetched before this time expire too early for kvssink's next read. */
  earliestAt: Date;
  /** Latest time kvssink can read the file and still accept the held credentials. */
  kvssinkReadAt: Date;
  /** New credentials must be in the file by this time (D): kvssinkReadAt minus the margin. */
  deadline: Date;
  /** New credentials must expire at or after this time to satisfy kvssink's next read. */
  minExpiration: Date;
  /** Expiration of the held credentials (E). */
  heldExpiration: Date;
  /** False when no fetch time satisfies kvssink: the lifetime is too short for the margin. */
  hasWindow: boolean;
}

/**
 * Plans the next refresh. kvssink reads the file at E - 3 s and needs credentials with 30 s
 * of life then, so new credentials must be written by D = E - 3 s - margin and be fetched
 * no earlier than E - 3 s + 30 s + slack - L. With L over 40 minutes kvssink may re-read at
 * any time, so D becomes E - 30 s - margin.
 */
export function planRefresh(input: RefreshPlanInput): RefreshPlan {
  const margin = (input.safetyMarginSeconds ?? DEFAULT_SAFETY_MARGIN_SECONDS) * 1000;
  const lead = (input.leadSeconds ?? DEFAULT_LEAD_SECONDS) * 1000;
  const slack = (input.slackSeconds ?? DEFAULT_SLACK_SECONDS) * 1000;
  const lifetime = input.lifetimeSeconds * 1000;
  const expiration = input.expiration.getTime();

  const readLead =
    input.lifetimeSeconds > KVSSINK_MAX_CACHE_SECONDS
      ? KVSSINK_LIMITS.minLifetimeSeconds * 1000
      : KVSSINK_READ_LEAD_SECONDS * 1000;
  const kvssinkReadAt = expiration - readLead;
  const deadline = kvssinkReadAt - margin;

  const nextRead = expiration - KVSSINK_READ_LEAD_SECONDS * 1000;
  const minExpiration = nextRead + KVSSINK_LIMITS.minLifetimeSeconds * 1000 + slack;
  const earliestAt = minExpiration - lifetime;

  const base = Math.max(earliestAt, expiration - lead);
  const jitterRange = Math.min(
    MAX_JITTER_MS,
    Math.max(0, deadline - base) * JITTER_WINDOW_FRACTION,
  );
  const planned = Math.min(base + (input.random ?? 0) * jitterRange, deadline);

  return {
    refreshAt: new Date(Math.max(planned, input.now)),
    earliestAt: new Date(earliestAt),
    kvssinkReadAt: new Date(kvssinkReadAt),
    deadline: new Date(deadline),
    minExpiration: new Date(minExpiration),
    heldExpiration: new Date(expiration),
    hasWindow: earliestAt <= deadline,
  };
}

/**
 * Tells whether credentials expiring at `expiration` may replace the held ones. Before the
 * deadline they must satisfy kvssink's next read; after it, any later expiration helps.
 */
export function isLongEnough(expiration: Date, plan: RefreshPlan, now: number): boolean {
  if (now < plan.deadline.getTime()) {
    return expiration.getTime() >= plan.minExpiration.getTime();
  }
  return expiration.getTime() > plan.heldExpiration.getTime();
}

/**
 * Returns the shortest credential lifetime that leaves a refresh window: credentials fetched at
 * the deadline must still satisfy kvssink's next read, so L >= 30 s + slack + margin.
 */
export function minimumUsefulLifetimeSeconds(
  safetyMarginSeconds: number = DEFAULT_SAFETY_MARGIN_SECONDS,
  slackSeconds: number = DEFAULT_SLACK_SECONDS,
): number {
  return KVSSINK_LIMITS.minLifetimeSeconds + slackSeconds + safetyMarginSeconds;
}
