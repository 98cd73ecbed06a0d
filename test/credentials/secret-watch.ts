// Records everything the credential tests print or receive (process output, events, errors)
// so that a final check can search it for the fake secrets they used.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import { expect } from 'chai';

import {
  CredentialError,
  type AwsCredentials,
  type CredentialErrorCode,
  type CredentialRefresher,
} from '../../lib/credentials/index.js';

const records: string[] = [];
const secrets = new Set<string>();
let capturing = false;

/** Tees process.stdout and process.stderr into the record; idempotent. */
export function captureProcessOutput(): void {
  if (capturing) {
    return;
  }
  capturing = true;

  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      records.push(
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
      );
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}

/** Records a value the code under test emitted, as inspect, JSON and String would show it. */
export function recordEmitted(value: unknown): void {
  records.push(inspect(value, { depth: 8 }));
  records.push(String(value));

  try {
    records.push(JSON.stringify(value) ?? '');
  } catch {
    // Values with cycles cannot be serialized; inspect above covers them.
  }

  if (value instanceof Error) {
    records.push(value.stack ?? '', inspect(value.cause, { depth: 8 }));
  }
}

/** Subscribes to every event of a refresher and records what it emits. */
export function watchRefresher(refresher: CredentialRefresher): void {
  refresher.on('refreshed', (event) => recordEmitted(event));
  refresher.on('expiring', (event) => recordEmitted(event));
  refresher.on('error', (event) => {
    recordEmitted(event);
    recordEmitted(event.error);
  });
}

/** Adds values that must never appear in the record. */
export function registerSecrets(...values: Array<string | undefined>): void {
  for (const value of values) {
    if (value !== undefined && value !== '') {
      secrets.add(value);
    }
  }
}

/** Returns how many registered secrets appear in the record, and where first. */
export function findLeaks(extra: Iterable<string> = []): string[] {
  const text = records.join('\n');
  const leaks: string[] = [];

  for (const secret of [...secrets, ...extra]) {
    const index = text.indexOf(secret);
    if (index >= 0) {
      // Report the position and length only, so the failure message does not leak further.
      leaks.push(`a ${secret.length}-character secret at offset ${index} of the record`);
    }
  }
  return leaks;
}

let counter = 0;

/** Makes registered fake credentials that expire `lifetimeSeconds` after `now` (whole seconds). */
export function fakeCredentials(
  options: { lifetimeSeconds?: number; now?: number; tokenLength?: number } = {},
): AwsCredentials {
  counter += 1;
  const serial = String(counter).padStart(12, '0');
  const tokenPrefix = `FAKETOKENLOCAL${serial}`;
  const tokenLength = Math.max(options.tokenLength ?? 300, tokenPrefix.length);
  const credentials: AwsCredentials = {
    accessKeyId: `ASIAFAKE${serial}`,
    secretAccessKey: `FAKESECRETLOCAL${serial}${randomBytes(8).toString('hex')}`,
    sessionToken: (tokenPrefix + randomBytes(tokenLength).toString('hex')).slice(0, tokenLength),
  };

  if (options.lifetimeSeconds !== undefined) {
    const now = options.now ?? Date.now();
    credentials.expiration = new Date(
      Math.ceil((now + options.lifetimeSeconds * 1000) / 1000) * 1000,
    );
  }

  registerSecrets(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken);
  return credentials;
}

captureProcessOutput();

/**
 * Awaits a promise that must reject with a CredentialError, records the error for the
 * secret search, and returns it. With `code`, also checks the error's code.
 */
export async function rejectionOf(
  promise: Promise<unknown>,
  code?: CredentialErrorCode,
): Promise<CredentialError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }

  expect(caught, 'expected a CredentialError').to.be.instanceOf(CredentialError);
  recordEmitted(caught);
  if (code !== undefined) {
    expect((caught as CredentialError).code).to.equal(code);
  }
  return caught as CredentialError;
}
