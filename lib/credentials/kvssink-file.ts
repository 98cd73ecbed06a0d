import { describeType } from './describe-type.js';
import { CredentialError } from './errors.js';
import { describeCharacterProblem, findCharacterProblem } from './field-characters.js';
import { KVSSINK_FILE_MARKER, KVSSINK_LIMITS, KVSSINK_STATUS } from './kvssink-limits.js';
import { redactKeyId } from './redact.js';
import type { AwsCredentials } from './types.js';

export { KVSSINK_LIMITS, KVSSINK_STATUS } from './kvssink-limits.js';
export { parseCredentialFile, type ParsedCredentialFile } from './kvssink-parse.js';

/** Formats an expiration as kvssink reads it: 'YYYY-MM-DDTHH:MM:SSZ', whole seconds, UTC. */
export function formatKvssinkExpiration(date: Date): string {
  if (!(date instanceof Date)) {
    throw new CredentialError(
      'invalid-credentials',
      `The expiration must be a Date, received ${describeReceived(date)}`,
    );
  }
  if (!Number.isFinite(date.getTime())) {
    throw new CredentialError('invalid-credentials', 'The expiration is an invalid Date');
  }

  // kvssink reads the year from exactly four digits.
  const year = date.getUTCFullYear();
  if (year < 1000 || year > 9999) {
    throw new CredentialError(
      'invalid-credentials',
      `The expiration year ${year} is outside 1000-9999, which kvssink cannot read`,
      { status: KVSSINK_STATUS.expirationParsingFailed },
    );
  }

  // Dropping the milliseconds rounds down, so kvssink never believes a later expiration.
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Checks that kvssink can read and use these credentials, `now` being the time it reads them.
 * Throws a CredentialError that names the field and the limit, never a secret.
 */
export function validateForKvssink(credentials: AwsCredentials, now: Date = new Date()): void {
  if (credentials === null || typeof credentials !== 'object') {
    throw new CredentialError(
      'invalid-credentials',
      `Credentials must be an object with accessKeyId and secretAccessKey, received ${describeType(credentials)}`,
    );
  }

  const keyId = credentials.accessKeyId;

  checkField('access key id', keyId, KVSSINK_LIMITS.accessKeyId, keyId);
  checkField(
    'secret access key',
    credentials.secretAccessKey,
    KVSSINK_LIMITS.secretAccessKey,
    keyId,
  );

  if (credentials.sessionToken !== undefined) {
    checkField('session token', credentials.sessionToken, KVSSINK_LIMITS.sessionToken, keyId);
  }

  if (credentials.expiration === undefined) {
    // The two-token form of the file has no place for a session token.
    if (credentials.sessionToken !== undefined) {
      throw new CredentialError(
        'invalid-credentials',
        `Credentials ${redactKeyId(keyId)} have a session token but no expiration; ` +
          'kvssink reads a session token only together with an expiration',
      );
    }
    return;
  }

  checkExpiration(credentials.expiration, now, keyId);
}

/**
 * Formats credentials as kvssink's credential file, after `validateForKvssink`:
 * 'CREDENTIALS <id> <expiration> <secret> <token>\n', without the token when there is none,
 * or 'CREDENTIALS <id> <secret>\n' for long-term keys without expiration.
 */
export function formatCredentialFile(credentials: AwsCredentials, now: Date = new Date()): string {
  validateForKvssink(credentials, now);

  const tokens = [KVSSINK_FILE_MARKER, credentials.accessKeyId];
  if (credentials.expiration !== undefined) {
    tokens.push(formatKvssinkExpiration(credentials.expiration));
  }
  tokens.push(credentials.secretAccessKey);
  if (credentials.sessionToken !== undefined) {
    tokens.push(credentials.sessionToken);
  }

  const text = `${tokens.join(' ')}\n`;

  // Unreachable within the field limits, but kvssink would reject the whole file.
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes >= KVSSINK_LIMITS.fileBytes) {
    throw new CredentialError(
      'too-long',
      `The credential file would be ${bytes} bytes; kvssink reads files under ${KVSSINK_LIMITS.fileBytes} bytes`,
      { status: KVSSINK_STATUS.invalidFileLength },
    );
  }

  return text;
}

function checkField(name: string, value: unknown, maxBytes: number, keyId: string): void {
  const owner =
    name === 'access key id' ? 'The access key id' : `The ${name} of ${redactKeyId(keyId)}`;

  if (value === undefined) {
    throw new CredentialError('invalid-credentials', `${owner} is missing`, {
      status: KVSSINK_STATUS.invalidAuthLength,
    });
  }
  if (typeof value !== 'string') {
    throw new CredentialError(
      'invalid-credentials',
      `${owner} must be a string, received ${describeType(value)}`,
    );
  }
  if (value === '') {
    throw new CredentialError('invalid-credentials', `${owner} is empty`, {
      status: KVSSINK_STATUS.invalidAuthLength,
    });
  }

  // kvssink's limits are sizes of C char buffers, so they count UTF-8 bytes.
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes) {
    throw new CredentialError(
      'too-long',
      `${owner} is ${bytes} bytes long; kvssink accepts at most ${maxBytes}`,
    );
  }

  const problem = findCharacterProblem(value);
  if (problem !== undefined) {
    throw new CredentialError(
      problem === 'whitespace' ? 'whitespace' : 'invalid-credentials',
      `${owner} ${describeCharacterProblem(problem)}`,
    );
  }
}

function checkExpiration(expiration: Date, now: Date, keyId: string): void {
  const text = formatKvssinkExpiration(expiration);

  // Compare what kvssink will read: the expiration rounded down to whole seconds.
  const remainingMs = Date.parse(text) - now.getTime();
  const owner = `Credentials ${redactKeyId(keyId)}`;

  if (remainingMs < 0) {
    throw new CredentialError('expired', `${owner} expired at ${text}`, {
      status: KVSSINK_STATUS.expirationInPast,
    });
  }

  if (remainingMs < KVSSINK_LIMITS.minLifetimeSeconds * 1000) {
    throw new CredentialError(
      'expiring',
      `${owner} expire at ${text}, in ${Math.floor(remainingMs / 1000)} s; ` +
        `kvssink needs at least ${KVSSINK_LIMITS.minLifetimeSeconds} s`,
      { status: KVSSINK_STATUS.expiringTooSoon },
    );
  }
}

// An expiration is not secret, so a short string or number is shown as received.
function describeReceived(value: unknown): string {
  const type = describeType(value);
  if (typeof value === 'string' || typeof value === 'number') {
    return `${type} (${JSON.stringify(value).slice(0, 40)}); convert it with new Date(...)`;
  }
  return type;
}
