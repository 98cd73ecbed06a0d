import { expect } from 'chai';

import { allIssuedCredentials } from '../helpers/ecs-server.js';
import { findLeaks } from './secret-watch.js';

// Runs after every test of every file (a root-level hook), so it covers all output of the run.
after('search all test output for fake credentials', () => {
  const issued = allIssuedCredentials().flatMap((c) => [
    c.accessKeyId,
    c.secretAccessKey,
    c.sessionToken,
  ]);
  const leaks = findLeaks(issued);

  expect(
    leaks,
    `fake credentials appeared in test output or events: ${leaks.join('; ')}`,
  ).to.deep.equal([]);
});
