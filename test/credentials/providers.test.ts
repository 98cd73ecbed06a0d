import { expect } from 'chai';

import { credentialSourceFromSpec } from '../../lib/credentials/index.js';

describe('credentialSourceFromSpec', () => {
  for (const spec of ['chain', 'ecs', 'process', 'ini', 'ini:streaming']) {
    it(`creates a provider for '${spec}'`, () => {
      expect(credentialSourceFromSpec(spec)).to.be.a('function');
    });
  }

  for (const spec of ['', 'env', 'ini:', 'ini: x', 'ECS']) {
    it(`rejects '${spec}'`, () => {
      expect(() => credentialSourceFromSpec(spec)).to.throw(
        Error,
        /expected 'chain', 'ecs', 'process', 'ini' or 'ini:<profile>'/,
      );
    });
  }
});
