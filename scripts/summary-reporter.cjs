// Mocha's spec reporter plus the closing line CI counts: "N passed, N failed, N skipped".
'use strict';

const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      // Printed after the spec reporter's own epilogue, on its own line.
      process.on('exit', () => {
        process.stdout.write(`${passes} passed, ${failures} failed, ${pending} skipped\n`);
      });
    });
  }
}

module.exports = SummaryReporter;
