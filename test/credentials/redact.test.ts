import { expect } from 'chai';
import { inspect } from 'node:util';

import { CredentialError, redactKeyId, summarizeCredentials } from '../../lib/credentials/index.js';
import { fakeCredentials } from './secret-watch.js';

describe('credential redaction', () => {
  it('keeps four characters at each end', () => {
    expect(redactKeyId('ASIAIOSFODNN7EXAMPLE')).to.equal('ASIA…MPLE');
  });

  it('hides short key ids completely', () => {
    expect(redactKeyId('ASIA12345')).to.equal('…');
    expect(redactKeyId('')).to.equal('…');
  });

  it('summarizes without secrets', () => {
    const credentials = fakeCredentials({ lifetimeSeconds: 90 });
    const summary = summarizeCredentials(credentials);

    expect(summary.accessKeyId).to.equal(redactKeyId(credentials.accessKeyId));
    expect(summary.hasSessionToken).to.equal(true);
    expect(summary.expiration?.getTime()).to.equal(credentials.expiration?.getTime());
    expect(Object.keys(summary).sort()).to.deep.equal([
      'accessKeyId',
      'expiration',
      'hasSessionToken',
    ]);
  });

  it('serializes CredentialError with code and status', () => {
    const error = new CredentialError('expired', 'Credentials ASIA…MPLE expired', {
      status: 0x15000017,
    });

    expect(error.message).to.equal('Credentials ASIA…MPLE expired (kvssink status 0x15000017)');
    expect(JSON.parse(JSON.stringify(error))).to.deep.equal({
      name: 'CredentialError',
      code: 'expired',
      status: 0x15000017,
      message: error.message,
    });
    expect(inspect(error)).to.contain('CredentialError');
  });
});
