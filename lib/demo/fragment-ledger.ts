import type { ElementMessage } from '../message.js';

/** One "kvssink-test-fragment" message of the kvssink test element. */
export interface TestFragment {
  sink: string;
  /** Fragment timecode and duration, in milliseconds. */
  timecode: bigint;
  duration: bigint;
  frames: number;
  accessKeyId: string;
  /** Epoch seconds of the signing credentials' expiration; -1 for none. */
  expiration: bigint;
  /** Epoch milliseconds of signing. */
  signedAt: bigint;
  /** The element's own verdict: no expiration, or signed before it. */
  valid: boolean;
  credentialSource: string;
}

/** One "kvssink-test-credentials-read" message: the element read its credential file. */
export interface TestCredentialsRead {
  sink: string;
  accessKeyId: string;
  expiration: bigint;
  /** "start", "expiring" or "max-age". */
  reason: string;
  ok: boolean;
  status: bigint;
}

export const FRAGMENT_MESSAGE = 'kvssink-test-fragment';
export const CREDENTIALS_READ_MESSAGE = 'kvssink-test-credentials-read';

export function toTestFragment(message: ElementMessage): TestFragment | null {
  const { name, fields } = message.structure;
  if (name !== FRAGMENT_MESSAGE) {
    return null;
  }
  return {
    sink: message.source ?? '',
    timecode: BigInt(fields.timecode as bigint),
    duration: BigInt(fields.duration as bigint),
    frames: Number(fields.frames),
    accessKeyId: String(fields['access-key-id']),
    expiration: BigInt(fields.expiration as bigint),
    signedAt: BigInt(fields['signed-at'] as bigint),
    valid: fields.valid === true,
    credentialSource: String(fields['credential-source']),
  };
}

export function toTestCredentialsRead(message: ElementMessage): TestCredentialsRead | null {
  const { name, fields } = message.structure;
  if (name !== CREDENTIALS_READ_MESSAGE) {
    return null;
  }
  return {
    sink: message.source ?? '',
    accessKeyId: String(fields['access-key-id'] ?? ''),
    expiration: BigInt((fields.expiration as bigint | null) ?? -1n),
    reason: String(fields.reason),
    ok: fields.ok === true,
    status: BigInt((fields.status as bigint | null) ?? 0n),
  };
}

// The element rounds nanosecond times down to milliseconds separately for timecode and
// duration, so contiguous fragments can be 1 ms off.
const ROUNDING_TOLERANCE_MS = 1n;

/** Result of adding one fragment to the ledger. */
export interface FragmentCheck {
  /** The key differs from the previous fragment's key. */
  rotated: boolean;
  /** Milliseconds between the expected and the actual timecode; 0n when contiguous. */
  gapMs: bigint;
  /** The gap is more than rounding. */
  gap: boolean;
  /** Signed with a key that had already expired (by the element's verdict or the fields). */
  expiredKey: boolean;
}

export interface LedgerSummary {
  fragments: number;
  rotations: number;
  /** Distinct access key ids, in order of first use. */
  keys: string[];
  gaps: number;
  expiredKeySignatures: number;
}

/**
 * Checks the fragments a kvssink test element reports: a gap is a timecode that is not the
 * previous timecode plus the previous duration (give or take 1 ms of rounding), a bad
 * signature one made with an expired key.
 */
export class FragmentLedger {
  readonly fragments: TestFragment[] = [];
  readonly #keys: string[] = [];
  #rotations = 0;
  #gaps = 0;
  #expired = 0;

  add(fragment: TestFragment): FragmentCheck {
    const previous = this.fragments.at(-1);
    this.fragments.push(fragment);
    if (!this.#keys.includes(fragment.accessKeyId)) {
      this.#keys.push(fragment.accessKeyId);
    }

    const rotated = previous !== undefined && previous.accessKeyId !== fragment.accessKeyId;
    const gapMs =
      previous === undefined ? 0n : fragment.timecode - (previous.timecode + previous.duration);
    const gap = gapMs > ROUNDING_TOLERANCE_MS || gapMs < -ROUNDING_TOLERANCE_MS;
    const expiredKey = !fragment.valid || signedAfterExpiration(fragment);

    this.#rotations += rotated ? 1 : 0;
    this.#gaps += gap ? 1 : 0;
    this.#expired += expiredKey ? 1 : 0;
    return { rotated, gapMs, gap, expiredKey };
  }

  summary(): LedgerSummary {
    return {
      fragments: this.fragments.length,
      rotations: this.#rotations,
      keys: [...this.#keys],
      gaps: this.#gaps,
      expiredKeySignatures: this.#expired,
    };
  }
}

function signedAfterExpiration(fragment: TestFragment): boolean {
  return fragment.expiration >= 0n && fragment.signedAt >= fragment.expiration * 1000n;
}
