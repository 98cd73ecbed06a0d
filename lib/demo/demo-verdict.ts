import { ExitCode, type ExitCodeValue } from '../cli/exit-codes.js';
import type { Outcome } from '../cli/session-end.js';
import type { LedgerSummary } from './fragment-ledger.js';

/** The demo's result: its exit code and, when it failed, why. */
export interface DemoVerdict {
  code: ExitCodeValue;
  passed: boolean;
  /** "demo passed", or "demo failed: " and the reasons. */
  text: string;
}

/**
 * Judges a demo run. It passes only when the session reached EOS and the test element
 * reported at least one fragment, no gap and no fragment signed with an expired key. A run
 * that reached EOS but failed a check exits 1; any other end keeps the session's exit code.
 */
export function judgeDemo(outcome: Outcome, summary: LedgerSummary): DemoVerdict {
  const problems: string[] = [];
  if (outcome.code !== ExitCode.eos) {
    problems.push(outcome.reason);
  }
  // Without EOS, a missing fragment is a consequence of the reason above, not a finding.
  if (summary.fragments === 0 && outcome.code === ExitCode.eos) {
    problems.push('the test element reported no fragment');
  }
  if (summary.gaps > 0) {
    problems.push(`${summary.gaps} gaps`);
  }
  if (summary.expiredKeySignatures > 0) {
    problems.push(`${summary.expiredKeySignatures} fragments signed with an expired key`);
  }

  if (problems.length === 0) {
    return { code: ExitCode.eos, passed: true, text: 'demo passed' };
  }
  const code = outcome.code === ExitCode.eos ? ExitCode.pipelineError : outcome.code;
  return { code, passed: false, text: `demo failed: ${problems.join(', ')}` };
}
