import { expect } from 'chai';

import { createRedactor, redactDescription, secretValuesOf } from '../lib/redact-description.js';

describe('redactDescription', () => {
  const cases: Array<[string, string]> = [
    ['kvssink secret-key=FAKESECRET1', 'kvssink secret-key=***'],
    [
      'kvssink secret_key=FAKESECRET1 session_token=FAKETOKEN1',
      'kvssink secret_key=*** session_token=***',
    ],
    ['kvssink access_key=AKIAFAKE ! fakesink', 'kvssink access_key=*** ! fakesink'],
    ['kvssink secret-key=two\\ words ! fakesink', 'kvssink secret-key=*** ! fakesink'],
    ['kvssink secret-key="two words" name=kvs', 'kvssink secret-key=*** name=kvs'],
    ["kvssink session-token='two words'", 'kvssink session-token=***'],
    ['kvssink secret-key = spaced!fakesink', 'kvssink secret-key = ***!fakesink'],
    ['kvssink my-secret-key=kept', 'kvssink my-secret-key=kept'],
  ];

  for (const [input, expected] of cases) {
    it(`hides the value in ${JSON.stringify(input)}`, () => {
      expect(redactDescription(input)).to.equal(expected);
    });
  }

  it('hides values in the parser message', () => {
    const message = 'could not set property "secret-key" in element "kvs" to "FAKESECRET2"';
    expect(redactDescription(message)).to.not.include('FAKESECRET2');
  });
});

describe('createRedactor', () => {
  it('hides verbatim repeats of the values', () => {
    const redact = createRedactor('kvssink secret-key=FAKESECRET3 ! fakesink');
    expect(redact('debug: key FAKESECRET3 rejected')).to.equal('debug: key *** rejected');
  });

  it('hides repeats of escaped values without their backslashes', () => {
    const description = 'kvssink secret-key=FAKE\\ SECRET4';
    expect(secretValuesOf(description)).to.include('FAKE SECRET4');
    expect(createRedactor(description)('value "FAKE SECRET4"')).to.equal('value "***"');
  });
});
