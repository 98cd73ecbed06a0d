import type { Element } from '../element.js';
import { KvsConfigError } from './config-error.js';
import type { ConfigWarningEvent } from './kvs-events.js';

/** kvssink's default `access-key`: any other value makes it use the key properties. */
const DEFAULT_ACCESS_KEY = 'access_key';

export interface PreflightOptions {
  /** Whether the credential file will be refreshed (a credential source was given). */
  refreshing: boolean;
  /** 'remove' deletes AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from `env`. */
  environmentCredentials: 'reject' | 'remove';
  env: NodeJS.ProcessEnv;
}

/**
 * Checks, before anything starts, that each kvssink will read the credential file and not
 * another source. kvssink picks its source once, at NULL to READY: iot-certificate, then
 * access-key, then the environment keys, then credential-path. Throws KvsConfigError;
 * returns warnings for settings that work but may surprise.
 */
export function preflight(sinks: Element[], options: PreflightOptions): ConfigWarningEvent[] {
  if (options.refreshing) {
    for (const sink of sinks) {
      checkSinkProperties(sink);
    }
    if (sinks.length > 0) {
      checkEnvironmentKeys(options);
    }
  }
  return regionWarnings(sinks, options.env);
}

function checkSinkProperties(sink: Element): void {
  if (sink.get('access-key') !== DEFAULT_ACCESS_KEY) {
    throw new KvsConfigError(
      'static-credentials',
      `kvssink "${sink.name}" has access-key set, so it ignores credential-path and never ` +
        'refreshes: remove access-key/secret-key/session-token from the description',
    );
  }
  if (sink.get('iot-certificate') !== null) {
    throw new KvsConfigError(
      'iot-certificate',
      `kvssink "${sink.name}" has iot-certificate set, so it uses the IoT credential provider ` +
        'and ignores credential-path: remove iot-certificate from the description, or run ' +
        'it without a credential source',
    );
  }
}

function checkEnvironmentKeys(options: PreflightOptions): void {
  const { env } = options;
  if (env.AWS_ACCESS_KEY_ID === undefined || env.AWS_SECRET_ACCESS_KEY === undefined) {
    return;
  }
  if (options.environmentCredentials === 'remove') {
    // Deleting from process.env calls unsetenv(), so kvssink's getenv() returns NULL for them.
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    delete env.AWS_SESSION_TOKEN;
    return;
  }
  throw new KvsConfigError(
    'environment-credentials',
    'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set in the environment, so kvssink ' +
      'reads them and ignores credential-path: unset them, or pass ' +
      "environmentCredentials: 'remove' (CLI: --remove-env-credentials) to delete them " +
      'from this process; the AWS SDK providers still work from the container endpoint, ' +
      'a profile or a credential process',
  );
}

function regionWarnings(sinks: Element[], env: NodeJS.ProcessEnv): ConfigWarningEvent[] {
  const region = env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    return [];
  }
  return sinks
    .filter((sink) => sink.get('aws-region') !== region)
    .map((sink) => ({
      code: 'region-override' as const,
      message:
        `AWS_DEFAULT_REGION=${region} overrides aws-region=${String(sink.get('aws-region'))} ` +
        `of kvssink "${sink.name}": kvssink uses the environment variable`,
    }));
}
