import { inspect } from 'node:util';

import { CredentialError } from './errors.js';
import { describeCharacterProblem, findCharacterProblem } from './field-characters.js';
import {
  KVSSINK_EXPIRATION_LENGTH,
  KVSSINK_FILE_MARKER,
  KVSSINK_LIMITS,
  KVSSINK_STATUS,
} from './kvssink-limits.js';
import { redactKeyId, summarizeCredentials } from './redact.js';

/**
 * Credentials as kvssink reads them from its file. `JSON.stringify` and `util.inspect` show
 * only a redacted summary of a parsed result.
 */
export interface ParsedCredentialFile {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

interface ScannedToken {
  text: string;
  /** Length of the token in bytes, which is what kvssink's field widths count. */
  bytes: number;
  /** The token filled its fscanf width and more non-whitespace followed, so it was cut. */
  cut: boolean;
}

// Field widths of kvssink's fscanf call: marker %11s, key id %128s, third and fourth tokens
// %128s, session token %2048s.
const FIELDS = [
  { name: 'marker', width: 11 },
  { name: 'access key id', width: 128 },
  { name: 'third token', width: 128 },
  { name: 'fourth token', width: 128 },
  { name: 'session token', width: 2048 },
] as const;

/**
 * Parses a kvssink credential file the way kvssink does: fscanf tokens, the expiration read
 * by character position, the same limits and status codes. `now` is the time kvssink reads
 * the file. Throws a CredentialError (with `status` when kvssink has one) and, unlike
 * kvssink, also on fields that kvssink would silently cut and misread.
 */
export function parseCredentialFile(text: string, now: Date = new Date()): ParsedCredentialFile {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length >= KVSSINK_LIMITS.fileBytes) {
    throw new CredentialError(
      'invalid-file',
      `The credential file is ${bytes.length} bytes; kvssink reads files under ${KVSSINK_LIMITS.fileBytes} bytes`,
      { status: KVSSINK_STATUS.invalidFileLength },
    );
  }

  const tokens = scanTokens(bytes);

  if (tokens[0]?.text !== KVSSINK_FILE_MARKER) {
    throw new CredentialError(
      'invalid-file',
      `The credential file does not start with ${KVSSINK_FILE_MARKER}`,
      {
        status: KVSSINK_STATUS.invalidFileFormat,
      },
    );
  }

  for (const [index, token] of tokens.entries()) {
    if (token.cut) {
      throw new CredentialError(
        'too-long',
        `The ${FIELDS[index].name} in the credential file is longer than kvssink's ` +
          `${FIELDS[index].width}-byte field, so kvssink would split it and misread the file`,
      );
    }
  }

  // kvssink's rule: with no fourth token the file is 'CREDENTIALS <id> <secret>'.
  const accessKeyId = tokens[1]?.text ?? '';
  const third = tokens[2]?.text ?? '';
  const fourth = tokens[3]?.text ?? '';
  const longTerm = fourth === '';
  const secretAccessKey = longTerm ? third : fourth;
  const sessionToken = longTerm ? undefined : tokens[4]?.text;
  const sessionTokenBytes = longTerm ? 0 : (tokens[4]?.bytes ?? 0);

  checkCharacters('access key id', accessKeyId);
  checkCharacters(longTerm ? 'secret access key' : 'expiration', third);
  if (!longTerm) {
    checkCharacters('secret access key', fourth);
    checkCharacters('session token', sessionToken ?? '');
  }

  const expiration = longTerm ? undefined : parseExpiration(third, now);

  if (accessKeyId === '' || secretAccessKey === '') {
    throw new CredentialError(
      'invalid-credentials',
      'The credential file has an empty access key id or secret',
      {
        status: KVSSINK_STATUS.invalidAuthLength,
      },
    );
  }

  if (sessionTokenBytes > KVSSINK_LIMITS.sessionToken) {
    throw new CredentialError(
      'too-long',
      `The session token of ${redactKeyId(accessKeyId)} is ${sessionTokenBytes} bytes long; ` +
        `kvssink signs requests with at most ${KVSSINK_LIMITS.sessionToken}`,
    );
  }

  if (expiration !== undefined) {
    checkLifetime(expiration, now, accessKeyId);
  }

  return buildResult(accessKeyId, secretAccessKey, sessionToken, expiration);
}

function scanTokens(bytes: Buffer): ScannedToken[] {
  const tokens: ScannedToken[] = [];
  let position = 0;

  for (const field of FIELDS) {
    while (position < bytes.length && isCSpace(bytes[position])) {
      position += 1;
    }
    if (position >= bytes.length) {
      break;
    }

    const start = position;
    while (
      position < bytes.length &&
      !isCSpace(bytes[position]) &&
      position - start < field.width
    ) {
      position += 1;
    }

    const cut = position < bytes.length && !isCSpace(bytes[position]);
    tokens.push({
      text: bytes.subarray(start, position).toString('utf8'),
      bytes: position - start,
      cut,
    });
  }

  return tokens;
}

// The characters C's isspace() accepts in the "C" locale.
function isCSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

// Stricter than kvssink, which copies any bytes: a character outside printable ASCII is a sign
// of a damaged file. The message names the field and never shows its value.
function checkCharacters(name: string, text: string): void {
  const problem = findCharacterProblem(text);
  if (problem !== undefined) {
    throw new CredentialError(
      'invalid-file',
      `The ${name} in the credential file ${describeCharacterProblem(problem)}`,
    );
  }
}

function parseExpiration(text: string, now: Date): Date {
  // NOTE: the status for a wrong length is inferred from producer-c's unit tests, which expect
  // STATUS_TIMESTAMP_STRING_UNRECOGNIZED_FORMAT for a malformed timestamp.
  if (text.length !== KVSSINK_EXPIRATION_LENGTH) {
    throw new CredentialError(
      'invalid-file',
      `The expiration in the credential file is ${text.length} characters long; kvssink reads ` +
        `exactly ${KVSSINK_EXPIRATION_LENGTH} ('YYYY-MM-DDTHH:MM:SSZ', no milliseconds)`,
      { status: KVSSINK_STATUS.timestampUnrecognizedFormat },
    );
  }

  // kvssink reads fixed character positions and checks neither separators nor the 'Z'.
  const year = readDigits(text, 0, 4);
  const month = readDigits(text, 5, 7);
  const day = readDigits(text, 8, 10);
  const hour = readDigits(text, 11, 13);
  const minute = readDigits(text, 14, 16);
  const second = readDigits(text, 17, 19);

  const fieldsValid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 60;
  if (!fieldsValid) {
    throw new CredentialError(
      'invalid-file',
      `The expiration '${text}' in the credential file is not a valid date`,
      {
        status: KVSSINK_STATUS.expirationParsingFailed,
      },
    );
  }

  // Like mktime(), Date.UTC carries overflowing days and seconds into the next month or minute.
  const expiration = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  expiration.setUTCFullYear(year);

  if (Math.floor(expiration.getTime() / 1000) < Math.floor(now.getTime() / 1000)) {
    throw new CredentialError('expired', `The credentials in the file expired at ${text}`, {
      status: KVSSINK_STATUS.expirationInPast,
    });
  }

  return expiration;
}

function readDigits(text: string, start: number, end: number): number {
  const digits = text.slice(start, end);
  if (!/^[0-9]+$/.test(digits)) {
    throw new CredentialError(
      'invalid-file',
      `The expiration '${text}' in the credential file is not a valid date`,
      {
        status: KVSSINK_STATUS.expirationParsingFailed,
      },
    );
  }
  return Number.parseInt(digits, 10);
}

function checkLifetime(expiration: Date, now: Date, accessKeyId: string): void {
  const remainingSeconds = (expiration.getTime() - now.getTime()) / 1000;
  if (remainingSeconds >= KVSSINK_LIMITS.minLifetimeSeconds) {
    return;
  }

  throw new CredentialError(
    'expiring',
    `Credentials ${redactKeyId(accessKeyId)} in the file expire in ${Math.floor(remainingSeconds)} s; ` +
      `kvssink needs at least ${KVSSINK_LIMITS.minLifetimeSeconds} s`,
    { status: KVSSINK_STATUS.expiringTooSoon },
  );
}

function buildResult(
  accessKeyId: string,
  secretAccessKey: string,
  sessionToken: string | undefined,
  expiration: Date | undefined,
): ParsedCredentialFile {
  const result: ParsedCredentialFile = { accessKeyId, secretAccessKey };
  if (sessionToken !== undefined && sessionToken !== '') {
    result.sessionToken = sessionToken;
  }
  if (expiration !== undefined) {
    result.expiration = expiration;
  }

  // Printing or serializing the result shows the summary instead of the secrets.
  const summary = () => summarizeCredentials(result);
  Object.defineProperty(result, 'toJSON', { value: summary, enumerable: false });
  Object.defineProperty(result, inspect.custom, { value: summary, enumerable: false });

  return result;
}
