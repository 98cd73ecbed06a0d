import type { RefreshedEvent, RefresherErrorEvent } from '../credentials/index.js';
import type { GstError } from '../errors.js';
import type { KvsPipeline } from '../kvs/kvs-pipeline.js';
import type { ErrorMessage, StateChangedMessage } from '../message.js';
import { formatClock, type Output } from './output.js';

/** Prints what a running KvsPipeline reports: states, errors, credentials, acknowledgements. */
export function printPipelineEvents(kvs: KvsPipeline, output: Output): void {
  const pipelineName = kvs.pipeline.name;

  kvs.on('state-changed', (message) => {
    if (output.verbose || message.source === pipelineName) {
      printStateChange(output, message);
    }
  });
  kvs.on('warning', (warning, message) => printGstError(output, 'warning', warning, message));
  kvs.on('error', (error, message) => printGstError(output, 'error', error, message));
  kvs.on('eos', () => output.event('eos', 'EOS'));

  kvs.on('credentials-refreshed', (event) => printRefreshed(output, event));
  kvs.on('credentials-error', (event) => printCredentialsError(output, event));
  kvs.on('credentials-expiring', (event) =>
    output.event(
      'credentials-expiring',
      `credentials expiring: key ${event.credentials.accessKeyId} expires in ` +
        `${event.expiresInSeconds} s and no new credentials were written`,
      { accessKeyId: event.credentials.accessKeyId, expiresInSeconds: event.expiresInSeconds },
    ),
  );
  kvs.on('config-warning', (event) =>
    output.event('config-warning', `warning: ${event.message}`, { ...event }),
  );

  kvs.on('fragment-ack', (ack) => {
    if (output.verbose || ack.type === 'persisted' || ack.type === 'error') {
      output.event(
        'fragment-ack',
        `fragment ${ack.type} ${ack.sink}: timecode ${ack.timecode} ms, ` +
          `sequence ${ack.sequenceNumber || '-'}, result ${ack.result}`,
        { ...ack },
      );
    }
  });
  kvs.on('stream-error', (event) =>
    output.event('stream-error', `stream error ${event.sink}: ${event.statusHex}`, {
      sink: event.sink,
      status: event.statusHex,
    }),
  );
}

function printStateChange(output: Output, message: StateChangedMessage): void {
  output.event(
    'state-changed',
    `state ${message.source ?? '?'}: ${message.oldState} -> ${message.newState}`,
    {
      source: message.source,
      oldState: message.oldState,
      newState: message.newState,
      pendingState: message.pendingState,
    },
  );
}

function printGstError(
  output: Output,
  kind: 'warning' | 'error',
  error: GstError,
  message: ErrorMessage,
): void {
  const label = kind === 'error' ? 'ERROR' : 'WARNING';
  let text = `${label} from ${message.source ?? 'pipeline'}: ${error.message}`;
  if (output.verbose && error.debug) {
    text += ` (${error.debug})`;
  }
  output.event(kind, text, {
    source: message.source,
    domain: error.domain,
    code: error.code,
    message: error.message,
    debug: output.verbose ? error.debug : undefined,
  });
}

function printRefreshed(output: Output, event: RefreshedEvent): void {
  const { credentials } = event;
  const expiration = credentials.expiration?.toISOString() ?? 'never';
  const next = event.nextRefreshAt ? formatClock(event.nextRefreshAt) : 'none';
  output.event(
    'credentials-refreshed',
    `credentials refreshed: key ${credentials.accessKeyId}, expires ${expiration}, ` +
      `next refresh ${next}`,
    {
      accessKeyId: credentials.accessKeyId,
      expiration: credentials.expiration?.toISOString(),
      nextRefreshAt: event.nextRefreshAt?.toISOString(),
      lifetimeSeconds: event.lifetimeSeconds,
      attempt: event.attempt,
    },
  );
}

function printCredentialsError(output: Output, event: RefresherErrorEvent): void {
  const retry = event.retryAt ? `, retry at ${formatClock(event.retryAt)}` : '';
  const fatal = event.fatal ? ', kvssink will fail' : '';
  output.event(
    'credentials-error',
    `credentials error (attempt ${event.attempt}${retry}${fatal}): ${event.error.message}`,
    {
      code: event.error.code,
      message: event.error.message,
      attempt: event.attempt,
      retryAt: event.retryAt?.toISOString(),
      fatal: event.fatal,
    },
  );
}
