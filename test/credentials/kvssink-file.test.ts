import { expect } from 'chai';
import { inspect } from 'node:util';

import {
  CredentialError,
  KVSSINK_LIMITS,
  KVSSINK_STATUS,
  formatCredentialFile,
  formatKvssinkExpiration,
  parseCredentialFile,
  validateForKvssink,
  type AwsCredentials,
} from '../../lib/credentials/index.js';
import { fakeCredentials, recordEmitted } from './secret-watch.js';

const NOW = new Date('2026-03-01T12:00:00Z');

function credentialsFor(lifetimeSeconds = 90): AwsCredentials {
  return fakeCredentials({ lifetimeSeconds, now: NOW.getTime() });
}

function expectCredentialError(
  action: () => unknown,
  code: string,
  status?: number,
): CredentialError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }

  expect(caught, 'expected a CredentialError').to.be.instanceOf(CredentialError);
  const error = caught as CredentialError;
  recordEmitted(error);
  expect(error.code).to.equal(code);
  expect(error.status).to.equal(status);
  return error;
}

describe('kvssink credential file', () => {
  describe('formatKvssinkExpiration', () => {
    it('drops milliseconds', () => {
      expect(formatKvssinkExpiration(new Date('2026-12-04T16:00:00.999Z'))).to.equal(
        '2026-12-04T16:00:00Z',
      );
    });

    it('rejects an invalid date', () => {
      expectCredentialError(
        () => formatKvssinkExpiration(new Date(Number.NaN)),
        'invalid-credentials',
      );
    });

    it('names the type of a non-Date', () => {
      const error = expectCredentialError(
        () => formatKvssinkExpiration('2026-12-04T16:00:00Z' as unknown as Date),
        'invalid-credentials',
      );

      expect(error.message).to.contain('must be a Date');
      expect(error.message).to.contain('received a string ("2026-12-04T16:00:00Z")');
    });

    it('rejects a five-digit year', () => {
      expectCredentialError(
        () => formatKvssinkExpiration(new Date('+010000-01-01T00:00:00Z')),
        'invalid-credentials',
        KVSSINK_STATUS.expirationParsingFailed,
      );
    });
  });

  describe('format and parse round trip', () => {
    it('keeps all four fields', () => {
      const credentials = credentialsFor();
      const text = formatCredentialFile(credentials, NOW);
      const tokens = text.trimEnd().split(' ');

      expect(text.endsWith('\n')).to.equal(true);
      expect(tokens).to.have.length(5);
      expect(tokens[0]).to.equal('CREDENTIALS');
      expect(tokens[2]).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

      const parsed = parseCredentialFile(text, NOW);
      expect(parsed.accessKeyId).to.equal(credentials.accessKeyId);
      expect(parsed.secretAccessKey).to.equal(credentials.secretAccessKey);
      expect(parsed.sessionToken).to.equal(credentials.sessionToken);
      expect(parsed.expiration?.getTime()).to.equal(credentials.expiration?.getTime());
    });

    it('writes three tokens without a session token', () => {
      const credentials = { ...credentialsFor(), sessionToken: undefined };
      const text = formatCredentialFile(credentials, NOW);

      expect(text.trimEnd().split(' ')).to.have.length(4);

      const parsed = parseCredentialFile(text, NOW);
      expect(parsed.secretAccessKey).to.equal(credentials.secretAccessKey);
      expect(parsed.sessionToken).to.equal(undefined);
      expect(parsed.expiration?.getTime()).to.equal(credentials.expiration?.getTime());
    });

    it('writes two tokens for long-term keys', () => {
      const { accessKeyId, secretAccessKey } = credentialsFor();
      const text = formatCredentialFile({ accessKeyId, secretAccessKey }, NOW);

      expect(text).to.equal(`CREDENTIALS ${accessKeyId} ${secretAccessKey}\n`);

      const parsed = parseCredentialFile(text, NOW);
      expect(parsed.secretAccessKey).to.equal(secretAccessKey);
      expect(parsed.expiration).to.equal(undefined);
      expect(parsed.sessionToken).to.equal(undefined);
    });

    it('rounds the expiration down to whole seconds', () => {
      const credentials = { ...credentialsFor(), expiration: new Date(NOW.getTime() + 60_750) };
      const parsed = parseCredentialFile(formatCredentialFile(credentials, NOW), NOW);

      expect(parsed.expiration?.getTime()).to.equal(NOW.getTime() + 60_000);
    });
  });

  describe('validateForKvssink', () => {
    it('accepts a 2047-character session token', () => {
      const credentials = { ...credentialsFor(), sessionToken: 'T'.repeat(2047) };
      const parsed = parseCredentialFile(formatCredentialFile(credentials, NOW), NOW);

      expect(parsed.sessionToken).to.have.length(2047);
    });

    it('rejects a 2048-character session token', () => {
      const credentials = { ...credentialsFor(), sessionToken: 'T'.repeat(2048) };
      const error = expectCredentialError(() => formatCredentialFile(credentials, NOW), 'too-long');

      expect(error.message).to.contain('2048');
      expect(error.message).to.contain(String(KVSSINK_LIMITS.sessionToken));
    });

    it('accepts a 128-character key id and secret', () => {
      const credentials = {
        ...credentialsFor(),
        accessKeyId: 'A'.repeat(128),
        secretAccessKey: 'S'.repeat(128),
      };

      expect(() => validateForKvssink(credentials, NOW)).not.to.throw();
    });

    it('rejects a 129-character key id', () => {
      const credentials = { ...credentialsFor(), accessKeyId: 'A'.repeat(129) };
      const error = expectCredentialError(() => validateForKvssink(credentials, NOW), 'too-long');

      expect(error.message).to.contain('access key id');
      expect(error.message).not.to.contain('A'.repeat(20));
    });

    it('rejects a 129-character secret', () => {
      const credentials = { ...credentialsFor(), secretAccessKey: 'S'.repeat(129) };
      const error = expectCredentialError(() => validateForKvssink(credentials, NOW), 'too-long');

      expect(error.message).to.contain('secret access key');
      expect(error.message).not.to.contain('S'.repeat(20));
    });

    for (const field of ['accessKeyId', 'secretAccessKey', 'sessionToken'] as const) {
      for (const [name, character] of [
        ['space', ' '],
        ['tab', '\t'],
        ['newline', '\n'],
        ['NUL', '\0'],
      ]) {
        it(`rejects a ${name} in ${field}`, () => {
          const credentials = credentialsFor();
          credentials[field] =
            `${credentials[field]!.slice(0, 10)}${character}${credentials[field]!.slice(10)}`;
          const error = expectCredentialError(
            () => validateForKvssink(credentials, NOW),
            'whitespace',
          );

          expect(error.message).not.to.contain(credentials[field]!.slice(0, 10));
        });
      }

      it(`rejects an empty ${field}`, () => {
        const credentials = { ...credentialsFor(), [field]: '' };
        expectCredentialError(
          () => validateForKvssink(credentials, NOW),
          'invalid-credentials',
          KVSSINK_STATUS.invalidAuthLength,
        );
      });
    }

    it('counts the session token in bytes', () => {
      // 2000 characters of two bytes each: within 2047 characters, but not within 2047 bytes.
      const credentials = { ...credentialsFor(), sessionToken: 'é'.repeat(2000) };
      const error = expectCredentialError(() => formatCredentialFile(credentials, NOW), 'too-long');

      expect(error.message).to.contain('4000 bytes');
      expect(error.message).to.contain('at most 2047');
    });

    it('counts the key id and secret in bytes', () => {
      for (const field of ['accessKeyId', 'secretAccessKey'] as const) {
        const credentials = { ...credentialsFor(), [field]: 'é'.repeat(100) };
        const error = expectCredentialError(() => validateForKvssink(credentials, NOW), 'too-long');

        expect(error.message, field).to.contain('200 bytes');
      }
    });

    for (const field of ['accessKeyId', 'secretAccessKey', 'sessionToken'] as const) {
      for (const [name, character, wording] of [
        ['an accented letter', 'é', 'non-ASCII character'],
        ['a no-break space', '\u00a0', 'non-ASCII character'],
        ['a BEL', '\x07', 'control character'],
        ['a DEL', '\x7f', 'control character'],
      ]) {
        it(`rejects ${name} in ${field}`, () => {
          const credentials = credentialsFor();
          const value = `${credentials[field]!.slice(0, 20)}${character}`;
          credentials[field] = value;
          const error = expectCredentialError(
            () => validateForKvssink(credentials, NOW),
            'invalid-credentials',
          );

          expect(error.message).to.contain(wording);
          expect(error.message).not.to.contain(value.slice(8, 20));
        });
      }
    }

    it('rejects null credentials', () => {
      const error = expectCredentialError(
        () => validateForKvssink(null as unknown as AwsCredentials, NOW),
        'invalid-credentials',
      );

      expect(error.message).to.contain('must be an object');
      expect(error.message).to.contain('received null');
    });

    it('rejects a key id that is not a string', () => {
      const credentials = { ...credentialsFor(), accessKeyId: 1 as unknown as string };
      const error = expectCredentialError(
        () => validateForKvssink(credentials, NOW),
        'invalid-credentials',
      );

      expect(error.message).to.equal('The access key id must be a string, received a number');
    });

    it('rejects a missing secret', () => {
      const credentials = { ...credentialsFor(), secretAccessKey: undefined as unknown as string };
      const error = expectCredentialError(
        () => validateForKvssink(credentials, NOW),
        'invalid-credentials',
        KVSSINK_STATUS.invalidAuthLength,
      );

      expect(error.message).to.contain('secret access key');
      expect(error.message).to.contain('is missing');
    });

    it('rejects an expiration given as a string', () => {
      const credentials = {
        ...credentialsFor(),
        expiration: '2026-03-01T13:00:00Z' as unknown as Date,
      };
      const error = expectCredentialError(
        () => validateForKvssink(credentials, NOW),
        'invalid-credentials',
      );

      expect(error.message).to.contain('must be a Date, received a string');
    });

    it('rejects expired credentials', () => {
      const credentials = credentialsFor(-1);
      expectCredentialError(
        () => validateForKvssink(credentials, NOW),
        'expired',
        KVSSINK_STATUS.expirationInPast,
      );
    });

    it('rejects credentials 29 s from expiry', () => {
      const credentials = credentialsFor(29);
      const error = expectCredentialError(
        () => validateForKvssink(credentials, NOW),
        'expiring',
        KVSSINK_STATUS.expiringTooSoon,
      );

      expect(error.message).to.contain('29 s');
      expect(error.message).to.contain('0x52000040');
    });

    it('accepts credentials 30 s from expiry', () => {
      expect(() => validateForKvssink(credentialsFor(30), NOW)).not.to.throw();
    });

    it('rejects a session token without expiration', () => {
      const { accessKeyId, secretAccessKey, sessionToken } = credentialsFor();
      expectCredentialError(
        () => validateForKvssink({ accessKeyId, secretAccessKey, sessionToken }, NOW),
        'invalid-credentials',
      );
    });

    it('names the key id only redacted', () => {
      const credentials = { ...credentialsFor(), secretAccessKey: 'S'.repeat(200) };
      const error = expectCredentialError(() => validateForKvssink(credentials, NOW), 'too-long');

      expect(error.message).to.contain(`${credentials.accessKeyId.slice(0, 4)}…`);
      expect(error.message).not.to.contain(credentials.accessKeyId);
    });
  });

  describe('parseCredentialFile', () => {
    const valid = () => formatCredentialFile(credentialsFor(), NOW);

    it('rejects a file of 10,000 bytes', () => {
      const text = valid().padEnd(KVSSINK_LIMITS.fileBytes, ' ');
      expectCredentialError(
        () => parseCredentialFile(text, NOW),
        'invalid-file',
        KVSSINK_STATUS.invalidFileLength,
      );
    });

    it('accepts a file of 9,999 bytes', () => {
      const text = valid().padEnd(KVSSINK_LIMITS.fileBytes - 1, ' ');
      expect(() => parseCredentialFile(text, NOW)).not.to.throw();
    });

    it('rejects a wrong marker', () => {
      const text = valid().replace('CREDENTIALS', 'CREDENTIAL');
      expectCredentialError(
        () => parseCredentialFile(text, NOW),
        'invalid-file',
        KVSSINK_STATUS.invalidFileFormat,
      );
    });

    it('rejects an empty file', () => {
      expectCredentialError(
        () => parseCredentialFile('', NOW),
        'invalid-file',
        KVSSINK_STATUS.invalidFileFormat,
      );
    });

    it('rejects an epoch expiration', () => {
      const epoch = String(Math.floor(NOW.getTime() / 1000) + 90);
      const text = valid().replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/, epoch);
      expectCredentialError(
        () => parseCredentialFile(text, NOW),
        'invalid-file',
        KVSSINK_STATUS.timestampUnrecognizedFormat,
      );
    });

    it('rejects an expiration with milliseconds', () => {
      const iso = new Date(NOW.getTime() + 90_000).toISOString();
      const text = valid().replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/, iso);

      expect(iso).to.match(/\.000Z$/);
      expectCredentialError(
        () => parseCredentialFile(text, NOW),
        'invalid-file',
        KVSSINK_STATUS.timestampUnrecognizedFormat,
      );
    });

    it('rejects month 13', () => {
      const text = valid().replace(/\d{4}-\d{2}-/, '2026-13-');
      expectCredentialError(
        () => parseCredentialFile(text, NOW),
        'invalid-file',
        KVSSINK_STATUS.expirationParsingFailed,
      );
    });

    it('rejects letters in a date field', () => {
      const text = valid().replace(/T\d{2}:/, 'TAB:');
      expectCredentialError(
        () => parseCredentialFile(text, NOW),
        'invalid-file',
        KVSSINK_STATUS.expirationParsingFailed,
      );
    });

    it('rejects a past expiration', () => {
      const text = formatCredentialFile(credentialsFor(), NOW);
      const later = new Date(NOW.getTime() + 91_000);
      expectCredentialError(
        () => parseCredentialFile(text, later),
        'expired',
        KVSSINK_STATUS.expirationInPast,
      );
    });

    it('rejects 29 s of remaining life', () => {
      const text = formatCredentialFile(credentialsFor(), NOW);
      const later = new Date(NOW.getTime() + 61_000);
      expectCredentialError(
        () => parseCredentialFile(text, later),
        'expiring',
        KVSSINK_STATUS.expiringTooSoon,
      );
    });

    it('rejects a 2048-character token', () => {
      const text = valid().replace(/ \S+\n$/, ` ${'T'.repeat(2048)}\n`);
      const error = expectCredentialError(() => parseCredentialFile(text, NOW), 'too-long');

      expect(error.message).to.contain('2048 bytes');
    });

    it('counts the session token in bytes', () => {
      // 1024 two-byte characters fill fscanf's 2048-byte field exactly, so nothing is cut.
      const text = valid().replace(/ \S+\n$/, ` ${'é'.repeat(1024)}\n`);
      const error = expectCredentialError(() => parseCredentialFile(text, NOW), 'invalid-file');

      expect(error.message).to.contain('session token');
      expect(error.message).to.contain('non-ASCII character');
    });

    it('rejects a token that multibyte characters make too long', () => {
      // 1100 characters, 2200 bytes: kvssink's 2048-byte field would cut the token.
      const text = valid().replace(/ \S+\n$/, ` ${'é'.repeat(1100)}\n`);
      const error = expectCredentialError(() => parseCredentialFile(text, NOW), 'too-long');

      expect(error.message).to.contain('2048-byte field');
    });

    for (const [field, index] of [
      ['access key id', 1],
      ['expiration', 2],
      ['secret access key', 3],
    ] as const) {
      it(`rejects a non-ASCII character in the ${field}`, () => {
        const tokens = valid().trimEnd().split(' ');
        tokens[index] = `${tokens[index].slice(0, -1)}é`;
        const error = expectCredentialError(
          () => parseCredentialFile(`${tokens.join(' ')}\n`, NOW),
          'invalid-file',
        );

        expect(error.message).to.contain(`The ${field} in the credential file`);
        expect(error.message).to.contain('non-ASCII character');
      });
    }

    it('rejects a control character in the secret', () => {
      const tokens = valid().trimEnd().split(' ');
      tokens[3] = `${tokens[3]}\x01`;
      const error = expectCredentialError(
        () => parseCredentialFile(`${tokens.join(' ')}\n`, NOW),
        'invalid-file',
      );

      expect(error.message).to.contain('control character');
    });

    it('rejects a key id that fscanf would cut', () => {
      const credentials = credentialsFor();
      const text = formatCredentialFile(credentials, NOW).replace(
        credentials.accessKeyId,
        'A'.repeat(129),
      );
      const error = expectCredentialError(() => parseCredentialFile(text, NOW), 'too-long');

      expect(error.message).to.contain('access key id');
    });

    it('reads tokens split by any whitespace', () => {
      const credentials = credentialsFor();
      const text = formatCredentialFile(credentials, NOW).replaceAll(' ', '\n\t  ');
      const parsed = parseCredentialFile(text, NOW);

      expect(parsed.sessionToken).to.equal(credentials.sessionToken);
    });

    it('rejects an empty secret in the three-field form', () => {
      // 'CREDENTIALS <id> <expiration>' has no fourth token, so kvssink takes the expiration as the secret.
      const credentials = credentialsFor();
      const text = `CREDENTIALS ${credentials.accessKeyId}\n`;
      expectCredentialError(
        () => parseCredentialFile(text, NOW),
        'invalid-credentials',
        KVSSINK_STATUS.invalidAuthLength,
      );
    });

    it('prints only a redacted summary', () => {
      const credentials = credentialsFor();
      const parsed = parseCredentialFile(formatCredentialFile(credentials, NOW), NOW);
      const printed = [inspect(parsed), JSON.stringify(parsed)];

      for (const text of printed) {
        expect(text).not.to.contain(credentials.secretAccessKey);
        expect(text).not.to.contain(credentials.sessionToken);
        expect(text).not.to.contain(credentials.accessKeyId);
        expect(text).to.contain(`${credentials.accessKeyId.slice(0, 4)}…`);
      }
    });
  });
});
