import { expect } from 'chai';

import {
  isLongEnough,
  minimumUsefulLifetimeSeconds,
  planRefresh,
  planRetry,
  type RefreshPlan,
} from '../../lib/credentials/index.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const SECOND = 1000;

/** Seconds from T0 to a planned time. */
function at(date: Date): number {
  return (date.getTime() - T0) / SECOND;
}

/** Plans the refresh after credentials fetched at T0 with lifetime L. */
function planAfterFetch(lifetimeSeconds: number, random = 0, extra: object = {}): RefreshPlan {
  return planRefresh({
    expiration: new Date(T0 + lifetimeSeconds * SECOND),
    lifetimeSeconds,
    now: T0,
    random,
    ...extra,
  });
}

/**
 * Checks kvssink's rule: credentials fetched at refreshAt with lifetime L are in the file
 * before kvssink reads it, and still have 30 s of life at that read (E - 3 s).
 */
function expectKvssinkRule(plan: RefreshPlan, lifetimeSeconds: number): void {
  const expiration = plan.heldExpiration.getTime();
  const newExpiration = plan.refreshAt.getTime() + lifetimeSeconds * SECOND;

  expect(plan.refreshAt.getTime(), 'refresh before the deadline').to.be.at.most(
    plan.deadline.getTime(),
  );
  expect(plan.refreshAt.getTime(), 'refresh before kvssink reads').to.be.below(
    expiration - 3 * SECOND,
  );
  expect(newExpiration - (expiration - 3 * SECOND), 'life left at the read').to.be.at.least(
    30 * SECOND,
  );
}

describe('refresh planning', () => {
  it('plans 90 s credentials', () => {
    const plan = planAfterFetch(90);

    expect(at(plan.kvssinkReadAt)).to.equal(87);
    expect(at(plan.deadline)).to.equal(72);
    expect(at(plan.earliestAt)).to.equal(32);
    expect(at(plan.refreshAt)).to.equal(32);
    expect(plan.hasWindow).to.equal(true);
    expectKvssinkRule(plan, 90);
  });

  it('keeps the 90 s jitter inside the window', () => {
    const plan = planAfterFetch(90, 0.999);

    expect(at(plan.refreshAt)).to.be.within(32, 36);
    expectKvssinkRule(plan, 90);
  });

  it('plans 15-minute credentials by the lead', () => {
    const plan = planAfterFetch(900);

    expect(at(plan.refreshAt)).to.equal(600);
    expect(at(plan.deadline)).to.equal(882);
    expectKvssinkRule(plan, 900);
  });

  it('plans 6-hour credentials before the 40-minute re-read', () => {
    const plan = planAfterFetch(6 * 3600, 0.999);

    expect(at(plan.deadline)).to.equal(6 * 3600 - 30 - 15);
    expect(at(plan.kvssinkReadAt)).to.equal(6 * 3600 - 30);
    expect(at(plan.refreshAt)).to.be.within(6 * 3600 - 300, 6 * 3600 - 270);
    expectKvssinkRule(plan, 6 * 3600);
  });

  it('satisfies the rule for any lifetime with a window', () => {
    for (let lifetime = 51; lifetime <= 2 * 86400; lifetime = Math.ceil(lifetime * 1.3)) {
      for (const random of [0, 0.5, 0.999]) {
        for (const margin of [8, 15]) {
          const plan = planAfterFetch(lifetime, random, { safetyMarginSeconds: margin });
          if (plan.hasWindow) {
            expectKvssinkRule(plan, lifetime);
          }
        }
      }
    }
  });

  it('reports no window for short lifetimes', () => {
    const shortest = minimumUsefulLifetimeSeconds(15);

    expect(shortest).to.equal(50);
    expect(planAfterFetch(shortest).hasWindow).to.equal(true);
    expect(planAfterFetch(shortest - 1).hasWindow).to.equal(false);
    expect(at(planAfterFetch(31).refreshAt)).to.equal(at(planAfterFetch(31).deadline));
  });

  it('refreshes at once when the time has passed', () => {
    const plan = planRefresh({
      expiration: new Date(T0 + 90 * SECOND),
      lifetimeSeconds: 90,
      now: T0 + 50 * SECOND,
    });

    expect(at(plan.refreshAt)).to.equal(50);
  });

  it('requires new credentials to outlive the next read', () => {
    const plan = planAfterFetch(90);
    const minimum = plan.minExpiration.getTime();

    expect(at(plan.minExpiration)).to.equal(90 - 3 + 30 + 5);
    expect(isLongEnough(new Date(minimum), plan, T0)).to.equal(true);
    expect(isLongEnough(new Date(minimum - 1), plan, T0)).to.equal(false);
  });

  it('accepts any later expiration after the deadline', () => {
    const plan = planAfterFetch(90);
    const afterDeadline = plan.deadline.getTime() + 1;

    expect(isLongEnough(new Date(T0 + 91 * SECOND), plan, afterDeadline)).to.equal(true);
    expect(isLongEnough(new Date(T0 + 90 * SECOND), plan, afterDeadline)).to.equal(false);
  });
});

describe('retry planning', () => {
  const base = { initialDelayMs: 1000, maxDelayMs: 30_000, now: T0, random: 0 };

  it('doubles the delay up to the maximum', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 20].map(
      (attempt) => planRetry({ ...base, attempt }).retryAt.getTime() - T0,
    );

    expect(delays).to.deep.equal([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('takes at most half away as jitter', () => {
    const delay = planRetry({ ...base, attempt: 3, random: 0.999 }).retryAt.getTime() - T0;

    expect(delay).to.be.within(2000, 4000);
  });

  it('moves a late retry to the deadline', () => {
    const deadline = new Date(T0 + 5000);
    const retry = planRetry({ ...base, attempt: 5, deadline });

    expect(retry.retryAt.getTime()).to.equal(deadline.getTime());
    expect(retry.fatal).to.equal(false);
  });

  it('is fatal once the deadline has passed', () => {
    const deadline = new Date(T0 - 1);
    const retry = planRetry({ ...base, attempt: 1, deadline });

    expect(retry.fatal).to.equal(true);
    expect(retry.retryAt.getTime() - T0).to.equal(1000);
  });
});
