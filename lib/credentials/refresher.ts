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
    try {
      return await this.#run('start');
    } catch (error) {
      this.#started = false;
      this.#failures = 0;
      throw error;
    }
  }

  /** Fetches and writes now, rescheduling. A call while a refresh is running joins it. */
  refresh(): Promise<CredentialSummary> {
    if (!this.#started) {
      return Promise.reject(new Error('CredentialRefresher.refresh() needs start() first'));
    }
    return this.#run('refresh');
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

  #run(mode: 'start' | 'refresh'): Promise<CredentialSummary> {
    if (this.#inFlight !== undefined) {
      return this.#inFlight;
    }

    const run = this.#fetchAndWrite().catch((error: unknown) => {
      const credentialError = asProviderError(error);
      if (mode === 'refresh') {
        this.#handleFailure(credentialError);
      }
      throw credentialError;
    });

    this.#inFlight = run.finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #fetchAndWrite(): Promise<CredentialSummary> {
    const attempt = this.#failures + 1;
    const credentials = await fetchCredentials(this.#options.source, this.#options.fetchTimeoutMs);
    const fetchedAt = this.#options.now();

    validateForKvssink(credentials, new Date(fetchedAt));
    this.#checkLongEnough(credentials, fetchedAt);
    await this.#writeAll(credentials);

    const summary = summarizeCredentials(credentials);
    const expiration = credentials.expiration;
    const lifetimeSeconds =
      expiration === undefined ? undefined : (expiration.getTime() - fetchedAt) / 1000;

    this.#current = summary;
    this.#failures = 0;
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

  #checkLongEnough(credentials: AwsCredentials, now: number): void {
    const plan = this.#plan;
    const expiration = credentials.expiration;
    if (plan === undefined || expiration === undefined || isLongEnough(expiration, plan, now)) {
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

  #scheduleFrom(expiration: Date, lifetimeSeconds: number): RefreshPlan {
    // Plan from the expiration kvssink reads, which the file rounds down to whole seconds.
    const plan = planRefresh({
      expiration: new Date(Math.floor(expiration.getTime() / 1000) * 1000),
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
      this.#run('refresh').catch(() => undefined);
    }, delay);
    this.#refreshTimer.unref();
  }

  #handleFailure(error: CredentialError): void {
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

  #onDeadline(plan: RefreshPlan): void {
    this.#expiringTimer = undefined;
    if (this.#plan !== plan || this.#current === undefined) {
      return;
    }

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
