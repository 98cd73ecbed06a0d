import { fromContainerMetadata } from '@aws-sdk/credential-providers';

import type { ExitCodeValue } from '../cli/exit-codes.js';
import type { Output } from '../cli/output.js';
import { printPipelineEvents } from '../cli/print-events.js';
import { runSession } from '../cli/session.js';
import { redactKeyId } from '../credentials/index.js';
import { KvsPipeline } from '../kvs/kvs-pipeline.js';
import { useTestElement } from '../kvs/test-element.js';
import { startDemoCredentialServer } from './credential-server.js';
import { demoDescription } from './demo-description.js';
import { judgeDemo } from './demo-verdict.js';
import { printRotations } from './print-rotations.js';

export interface DemoOptions {
  durationSeconds: number;
  lifetimeSeconds: number;
  eosTimeoutSeconds: number;
  output: Output;
}

/**
 * Runs the demo against the kvssink test element: a loopback ECS-style endpoint issues
 * short-lived fake credentials, the real fromContainerMetadata() provider fetches them, and
 * KvsPipeline keeps the element's credential file fresh. Returns the exit code of judgeDemo().
 */
export async function runDemo(options: DemoOptions): Promise<ExitCodeValue> {
  const { output } = options;

  // GStreamer reads GST_PLUGIN_PATH once, when the addon loads: this must come first.
  useTestElement();
  const server = await startDemoCredentialServer({ lifetimeSeconds: options.lifetimeSeconds });
  process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = server.url;
  process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = server.authorizationToken;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';

  output.event(
    'demo',
    'DEMO: the sink is the kvssink TEST ELEMENT; nothing is uploaded and no AWS account is used',
    { testElement: true },
  );
  output.event(
    'demo',
    `credentials: ${options.lifetimeSeconds} s fake keys from ${server.url} through ` +
      `fromContainerMetadata(); kvssink first needs new ones ${options.lifetimeSeconds - 3} s ` +
      `after start, so run longer than that to see rotations`,
    {
      endpoint: server.url,
      lifetimeSeconds: options.lifetimeSeconds,
      durationSeconds: options.durationSeconds,
    },
  );

  try {
    const kvs = new KvsPipeline(demoDescription('gst-kvs-demo'), {
      credentials: fromContainerMetadata(),
      // Keys in this process's environment would make kvssink ignore the file.
      environmentCredentials: 'remove',
    });
    printPipelineEvents(kvs, output);
    const ledger = printRotations(kvs, output);

    const outcome = await runSession(kvs, {
      output,
      eosTimeoutSeconds: options.eosTimeoutSeconds,
      durationSeconds: options.durationSeconds,
    });

    const summary = ledger.summary();
    const verdict = judgeDemo(outcome, summary);
    const keys = summary.keys.map(redactKeyId);
    output.event(
      'summary',
      `summary: ${count(summary.fragments, 'fragment')}, ${count(summary.rotations, 'rotation')}, ` +
        `${count(keys.length, 'key')} used (${keys.join(', ')}), ${count(summary.gaps, 'gap')}, ` +
        `${summary.expiredKeySignatures} signed with an expired key, ` +
        `${count(server.issued, 'credential')} issued; ${outcome.reason}`,
      { ...summary, keys, credentialsIssued: server.issued, reason: outcome.reason },
    );
    output.event('exit', `exit ${verdict.code}: ${verdict.text}`, {
      code: verdict.code,
      passed: verdict.passed,
      reason: verdict.text,
    });
    return verdict.code;
  } finally {
    await server.close();
  }
}

/** Formats a count with its noun, plural unless the count is 1: "1 rotation", "3 gaps". */
function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}
