import { redactKeyId } from '../credentials/index.js';
import type { KvsPipeline } from '../kvs/kvs-pipeline.js';
import type { Output } from '../cli/output.js';
import { FragmentLedger, toTestCredentialsRead, toTestFragment } from './fragment-ledger.js';

/**
 * Prints the kvssink test element's credential reads and each key rotation, gap and
 * expired-key signature it reports. Returns the ledger that collects them for the summary.
 */
export function printRotations(kvs: KvsPipeline, output: Output): FragmentLedger {
  const ledger = new FragmentLedger();

  kvs.on('element', (message) => {
    const read = toTestCredentialsRead(message);
    if (read !== null) {
      const key = redactKeyId(read.accessKeyId);
      const expires =
        read.expiration >= 0n ? new Date(Number(read.expiration) * 1000).toISOString() : 'never';
      output.event(
        'credentials-read',
        `kvssink read the credential file (${read.reason}): ` +
          (read.ok
            ? `key ${key}, expires ${expires}`
            : `failed, status 0x${read.status.toString(16)}`),
        { ...read, accessKeyId: key },
      );
      return;
    }

    const fragment = toTestFragment(message);
    if (fragment === null) {
      return;
    }
    const previousKey = ledger.fragments.at(-1)?.accessKeyId;
    const check = ledger.add(fragment);
    if (check.rotated && previousKey !== undefined) {
      output.event(
        'rotation',
        `rotation: fragment ${fragment.timecode} ms signed with key ` +
          `${redactKeyId(fragment.accessKeyId)} (was ${redactKeyId(previousKey)})`,
        {
          timecode: fragment.timecode,
          accessKeyId: redactKeyId(fragment.accessKeyId),
          previousKey: redactKeyId(previousKey),
        },
      );
    }
    if (check.gap) {
      output.event(
        'gap',
        `GAP: fragment ${fragment.timecode} ms is ${check.gapMs} ms off the previous one's end`,
        {
          timecode: fragment.timecode,
          gapMs: check.gapMs,
        },
      );
    }
    if (check.expiredKey) {
      output.event(
        'expired-key',
        `EXPIRED KEY: fragment ${fragment.timecode} ms signed with an expired key`,
        {
          timecode: fragment.timecode,
          accessKeyId: redactKeyId(fragment.accessKeyId),
        },
      );
    }
  });
  return ledger;
}
