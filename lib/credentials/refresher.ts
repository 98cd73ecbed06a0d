import createDebug from 'debug';
import { EventEmitter } from 'eventemitter3';

import { planRetry } from './backoff.js';
import { CredentialError } from './errors.js';
import { asProviderError, fetchCredentials } from './fetch-credentials.js';
import { formatKvssinkExpiration, validateForKvssink } from './kvssink-file.js';
import { redactKeyId, summarizeCredentials } from './redact.js';
import {
  resolveRefresherOptions,
  type RefresherOptions,
  type ResolvedOptions,
} from './refresher-options.js';
import {
  DEFAULT_SLACK_SECONDS,
  isLongEnough,
  minimumUsefulLifetimeSeconds,
  planRefresh,
  type RefreshPlan,
} from './schedule.js';
import type { AwsCredentials, CredentialSummary } from './types.js';

export type { RefresherOptions } from './refresher-options.js';

const log = createDebug('gst-kvs:credentials');

// setTimeout fires at once for delays above 2^31 - 1 ms; refreshing early is harmless.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Origin of a run, which sets the rule for new credentials. 'start' accepts any valid ones, and
 * 'explicit' (refresh() and its retries) those that expire no earlier than the held ones.
 * 'scheduled' accepts only credentials that satisfy kvssink's next read.
 */
type RunMode = 'start' | 'explicit' | 'scheduled';

export interface RefreshedEvent {
  credentials: CredentialSummary;
  nextRefreshAt?: Date;
  lifetimeSeconds?: number;
  attempt: number;
}

export interface RefresherErrorEvent {
  error: CredentialError;
  attempt: number;
  retryAt?: Date;
  /** The held credentials expire before a retry can succeed in time: kvssink will fail. */
  fatal: boolean;
}

export interface RefresherEvents {
  refreshed: (event: RefreshedEvent) => void;
  error: (event: RefresherErrorEvent) => void;
  expiring: (event: { credentials: CredentialSummary; expiresInSeconds: number }) => void;
}

/**
 * Fetches credentials from a source and writes them to targets, then keeps them fresh for
 * kvssink: each refresh lands before kvssink re-reads its file (3 s before the held
 * credentials expire) with credentials that still have 30 s of life then. Failed refreshes
 * are retried with bounded exponential back-off. The refresher stores no secret itself, and
 * its timers do not keep the process alive.
 */
export class CredentialRefresher extends EventEmitter<RefresherEvents> {
  readonly #options: ResolvedOptions;

  #started = false;
  #current: CredentialSummary | undefined;
  #plan: RefreshPlan | undefined;
  #nextRefreshAt: Date | undefined;
  #failures = 0;
  #inFlight: Promise<CredentialSummary> | undefined;
  #inFlightMode: RunMode | undefined;
  /** The pending retry continues a failed refresh() call, so it keeps that call's rule. */
  #retryExplicit = false;
  /** Lifetime used to plan refreshes of the held credentials. */
  #lifetimeSeconds: number | undefined;
  /** Expiration, in milliseconds, of the credentials that the last 'expiring' event was about. */
  #expiringReportedFor: number | undefined;
  #refreshTimer: NodeJS.Timeout | undefined;
  #expiringTimer: NodeJS.Timeout | undefined;

  constructor(options: RefresherOptions) {
    super();
    this.#options = resolveRefresherOptions(options);
  }

  /** Summary of the credentials last written. */
  get current(): CredentialSummary | undefined {
    return this.#current;
  }

  /** Time of the next scheduled refresh or retry. */
  get nextRefreshAt(): Date | undefined {
    return this.#nextRefreshAt;
  }

  /** Fetches and writes the first credentials; rejects (CredentialError) if that fails. Then schedules refreshes. */
  async start(): Promise<CredentialSummary> {
    if (this.#started) {
      throw new Error('CredentialRefresher.start() was already called; call stop() first');
    }

    this.#started = true;
    this.#plan = undefined;
    this.#lifetimeSeconds = undefined;
    this.#expiringReportedFor = undefined;
    this.#retryExplicit = false;
    try {
      return await this.#run('start');
    } catch (error) {
      this.#started = false;
      this.#failures = 0;
      throw error;
    }
  }

  /**
   * Fetches and writes now, then plans the next refresh from the new expiration. It accepts
   * credentials that expire no earlier than the held ones, such as the same ones from a cache.
   * Credentials that expire earlier reject with code 'expires-earlier' and are not retried.
   * Other failures are retried with back-off. A call while a refresh is running joins it.
   */
  refresh(): Promise<CredentialSummary> {
    if (!this.#started) {
      return Promise.reject(new Error('CredentialRefresher.refresh() needs start() first'));
    }
    return this.#run('explicit');
  }

  /** Clears the timers; idempotent. A refresh already running still completes. */
  stop(): void {
    this.#started = false;
    this.#clearTimers();
    this.#nextRefreshAt = undefined;
  }

  toJSON(): { current?: CredentialSummary; nextRefreshAt?: Date; started: boolean } {
    return { current: this.#current, nextRefreshAt: this.#nextRefreshAt, started: this.#started };
  }

  #run(mode: RunMode): Promise<CredentialSummary> {
    if (this.#inFlight !== undefined) {
      // A scheduled refresh rejects cached credentials that refresh() accepts, so a refresh()
      // call that joined a failing scheduled refresh tries again under its own rule.
      if (mode === 'explicit' && this.#inFlightMode === 'scheduled') {
        return this.#inFlight.catch((error: unknown) => {
          if (!this.#started) {
            throw error;
          }
          return this.#run('explicit');
        });
      }
      return this.#inFlight;
    }

    const run = this.#fetchAndWrite(mode).catch((error: unknown) => {
      const credentialError = asProviderError(error);
      if (mode !== 'start') {
        this.#handleFailure(credentialError, mode);
      }
      throw credentialError;
    });

    this.#inFlightMode = mode;
    this.#inFlight = run.finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #fetchAndWrite(mode: RunMode): Promise<CredentialSummary> {
    const attempt = this.#failures + 1;
    const credentials = await fetchCredentials(this.#options.source, this.#options.fetchTimeoutMs);
    const fetchedAt = this.#options.now();

    validateForKvssink(credentials, new Date(fetchedAt));
    this.#checkExpiration(credentials, fetchedAt, mode);
    await this.#writeAll(credentials);

    const summary = summarizeCredentials(credentials);
    const expiration = credentials.expiration;
    const lifetimeSeconds =
      expiration === undefined ? undefined : this.#lifetimeOf(expiration, fetchedAt);

    this.#current = summary;
    this.#failures = 0;
    this.#retryExplicit = false;
    this.#lifetimeSeconds = lifetimeSeconds;
    this.#clearTimers();
    this.#plan = undefined;
    this.#nextRefreshAt = undefined;

    // Long-term keys never expire, so they are written once and never refreshed.
    let plan: RefreshPlan | undefined;
    if (expiration !== undefined && lifetimeSeconds !== undefined && this.#started) {
      plan = this.#scheduleFrom(expiration, lifetimeSeconds);
    }

    log(
      'wrote credentials %s expiring %s (attempt %d), next refresh %s',
      summary.accessKeyId,
      expiration?.toISOString() ?? 'never',
      attempt,
      plan?.refreshAt.toISOString() ?? 'none',
    );
    this.emit('refreshed', {
      credentials: summary,
      nextRefreshAt: plan?.refreshAt,
      lifetimeSeconds,
      attempt,
    });

    if (plan !== undefined && !plan.hasWindow && lifetimeSeconds !== undefined) {
      this.#reportShortLifetime(lifetimeSeconds);
    }

    return summary;
  }

  #checkExpiration(credentials: AwsCredentials, now: number, mode: RunMode): void {
    const plan = this.#plan;
    const expiration = credentials.expiration;
    if (plan === undefined || expiration === undefined) {
      return;
    }

    // Credentials that expire no earlier than the held ones never leave kvssink's next read
    // worse off, and the next refresh is planned from their expiration.
    if (mode === 'explicit') {
      if (roundDownToSecond(expiration) >= plan.heldExpiration.getTime()) {
        return;
      }
      throw new CredentialError(
        'expires-earlier',
        `The credential provider returned credentials ${redactKeyId(credentials.accessKeyId)} that ` +
          `expire at ${formatKvssinkExpiration(expiration)}, earlier than the credentials in place ` +
          `(${formatKvssinkExpiration(plan.heldExpiration)}), so refresh() kept the credentials in place`,
      );
    }

    if (isLongEnough(expiration, plan, now)) {
      return;
    }

    throw new CredentialError(
      'expiring',
      `The credential provider returned credentials ${redactKeyId(credentials.accessKeyId)} that ` +
        `expire at ${formatKvssinkExpiration(expiration)}, but kvssink's next read needs credentials ` +
        `valid until ${formatKvssinkExpiration(plan.minExpiration)}; the provider may have returned cached credentials`,
    );
  }

  async #writeAll(credentials: AwsCredentials): Promise<void> {
    const results = await Promise.allSettled(
      this.#options.targets.map((target) => target.write(credentials)),
    );

    for (const [index, result] of results.entries()) {
      if (result.status === 'rejected') {
        throw asWriteError(result.reason, this.#options.targets[index].description);
      }
    }
  }

  // Credentials with the held expiration are most likely the held ones from a cache, and for
  // those the expiration minus the fetch time understates the lifetime the provider gives.
  #lifetimeOf(expiration: Date, fetchedAt: number): number {
    const measured = (expiration.getTime() - fetchedAt) / 1000;
    const sameExpiration = roundDownToSecond(expiration) === this.#plan?.heldExpiration.getTime();

    if (sameExpiration && this.#lifetimeSeconds !== undefined) {
      return Math.max(measured, this.#lifetimeSeconds);
    }
    return measured;
  }

  #scheduleFrom(expiration: Date, lifetimeSeconds: number): RefreshPlan {
    // Plan from the expiration kvssink reads, which the file rounds down to whole seconds.
    const plan = planRefresh({
      expiration: new Date(roundDownToSecond(expiration)),
      lifetimeSeconds,
      now: this.#options.now(),
      safetyMarginSeconds: this.#options.safetyMarginSeconds,
      leadSeconds: this.#options.leadSeconds,
      random: Math.random(),
    });

    this.#plan = plan;
    this.#scheduleRefresh(plan.refreshAt);

    const untilDeadline = Math.max(0, plan.deadline.getTime() - this.#options.now());
    this.#expiringTimer = setTimeout(
      () => this.#onDeadline(plan),
      Math.min(untilDeadline, MAX_TIMER_DELAY_MS),
    );
    this.#expiringTimer.unref();

    return plan;
  }

  #scheduleRefresh(at: Date): void {
    if (this.#refreshTimer !== undefined) {
      clearTimeout(this.#refreshTimer);
    }

    const delay = Math.min(Math.max(0, at.getTime() - this.#options.now()), MAX_TIMER_DELAY_MS);
    this.#nextRefreshAt = at;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      this.#run(this.#retryExplicit ? 'explicit' : 'scheduled').catch(() => undefined);
    }, delay);
    this.#refreshTimer.unref();
  }

  #handleFailure(error: CredentialError, mode: 'explicit' | 'scheduled'): void {
    if (error.code === 'expires-earlier') {
      this.#keepSchedule(error);
      return;
    }

    this.#failures += 1;
    const attempt = this.#failures;

    const retry = planRetry({
      attempt,
      now: this.#options.now(),
      deadline: this.#plan?.deadline,
      initialDelayMs: this.#options.initialDelayMs,
      maxDelayMs: this.#options.maxDelayMs,
      random: Math.random(),
    });

    let retryAt: Date | undefined;
    if (this.#started) {
      retryAt = retry.retryAt;
      // A retry of refresh() keeps its rule, so cached credentials end the retries.
      this.#retryExplicit = mode === 'explicit';
      this.#scheduleRefresh(retryAt);
    }

    log(
      'refresh attempt %d failed (%s), retry %s',
      attempt,
      error.code,
      retryAt?.toISOString() ?? 'none',
    );
    this.emit('error', { error, attempt, retryAt, fatal: retry.fatal });
  }

  // Earlier credentials from refresh() are not retried, because the provider would most likely
  // return them again. The held credentials and their planned refresh stay in place.
  #keepSchedule(error: CredentialError): void {
    this.#retryExplicit = false;
    const plan = this.#plan;
    const now = this.#options.now();

    // A retry of refresh() replaced the planned refresh, so it is planned again.
    if (this.#started && this.#refreshTimer === undefined && plan !== undefined) {
      this.#scheduleRefresh(new Date(Math.max(plan.refreshAt.getTime(), now)));
    }

    const retryAt = this.#started ? this.#nextRefreshAt : undefined;
    const fatal = plan !== undefined && now >= plan.deadline.getTime();
    log(
      'refresh() got credentials that expire earlier; next refresh %s',
      retryAt?.toISOString() ?? 'none',
    );
    this.emit('error', { error, attempt: this.#failures + 1, retryAt, fatal });
  }

  #onDeadline(plan: RefreshPlan): void {
    this.#expiringTimer = undefined;
    if (this.#plan !== plan || this.#current === undefined) {
      return;
    }

    // refresh() may write the held credentials again, which plans anew from the same expiration.
    const expiration = plan.heldExpiration.getTime();
    if (expiration === this.#expiringReportedFor) {
      return;
    }
    this.#expiringReportedFor = expiration;

    const expiresInSeconds = Math.round(
      (plan.heldExpiration.getTime() - this.#options.now()) / 1000,
    );
    log(
      'no new credentials by the deadline; %s expire in %d s',
      this.#current.accessKeyId,
      expiresInSeconds,
    );
    this.emit('expiring', { credentials: this.#current, expiresInSeconds });
  }

  #reportShortLifetime(lifetimeSeconds: number): void {
    const needed = minimumUsefulLifetimeSeconds(
      this.#options.safetyMarginSeconds,
      DEFAULT_SLACK_SECONDS,
    );
    const error = new CredentialError(
      'expiring',
      `Credentials from the provider live ${Math.floor(lifetimeSeconds)} s, too short for kvssink: ` +
        `replacing them in time needs at least ${needed} s (30 s kvssink minimum, ` +
        `${DEFAULT_SLACK_SECONDS} s slack, ${this.#options.safetyMarginSeconds} s safety margin), ` +
        'so kvssink will fail when they expire. Use longer-lived credentials or a smaller safetyMarginSeconds',
    );

    log('credential lifetime %d s is below %d s', lifetimeSeconds, needed);
    this.emit('error', { error, attempt: 1, retryAt: this.#nextRefreshAt, fatal: true });
  }

  #clearTimers(): void {
    if (this.#refreshTimer !== undefined) {
      clearTimeout(this.#refreshTimer);
      this.#refreshTimer = undefined;
    }
    if (this.#expiringTimer !== undefined) {
      clearTimeout(this.#expiringTimer);
      this.#expiringTimer = undefined;
    }
  }
}

function asWriteError(error: unknown, description: string): CredentialError {
  if (error instanceof CredentialError) {
    return error;
  }

  const message = String((error as Error)?.message ?? error).slice(0, 300);
  return new CredentialError(
    'write-failed',
    `Failed to write credentials to ${description}: ${message}`,
    {
      cause: error,
    },
  );
}

function roundDownToSecond(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}
