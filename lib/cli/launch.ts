import { credentialSourceFromSpec, type CredentialSource } from '../credentials/index.js';
import { KvsPipeline } from '../kvs/kvs-pipeline.js';
import type { KvsLogLevel } from '../kvs/log-config.js';
import { createRedactor } from '../redact-description.js';
import { classifyStartError, describeError } from './classify-error.js';
import type { ExitCodeValue } from './exit-codes.js';
import { joinDescription } from './join-description.js';
import { Output } from './output.js';
import { printPipelineEvents } from './print-events.js';
import { runSession } from './session.js';

export interface LaunchOptions {
  json?: boolean;
  verbose?: boolean;
  eosTimeout: number;
  playTimeout: number;
  credentials?: string;
  credentialFile?: string;
  kvsLogLevel?: KvsLogLevel;
  kvsLogFile?: string;
  removeEnvCredentials?: boolean;
  stopStreamTimeout?: number;
}

/** Runs `gst-kvs launch`: builds the pipeline, runs it to the end and returns the exit code. */
export async function launch(words: string[], options: LaunchOptions): Promise<ExitCodeValue> {
  const description = joinDescription(words);
  const output = new Output({
    json: options.json ?? false,
    verbose: options.verbose ?? false,
    redact: createRedactor(description),
  });

  let kvs: KvsPipeline;
  try {
    kvs = createPipeline(description, options, output);
  } catch (error) {
    return finish(output, classifyStartError(error).code, error);
  }

  output.event('start', `pipeline ${kvs.pipeline.name}: ${description}`, {
    pipeline: kvs.pipeline.name,
    description,
    kvssinks: kvs.sinks.map((sink) => sink.name),
  });
  printPipelineEvents(kvs, output);

  const outcome = await runSession(kvs, {
    output,
    eosTimeoutSeconds: options.eosTimeout,
  });
  output.event('exit', `exit ${outcome.code}: ${outcome.reason}`, { ...outcome });
  return outcome.code;
}

function createPipeline(description: string, options: LaunchOptions, output: Output): KvsPipeline {
  // Creating a provider contacts nothing: KvsPipeline calls it only when there is a kvssink.
  const source = credentialSourceFromSpec(options.credentials ?? 'chain');
  const kvs = new KvsPipeline(description, buildOptions(options, source));
  if (kvs.sinks.length === 0 && options.credentials !== undefined) {
    output.event(
      'config-warning',
      'warning: --credentials is ignored because the description has no kvssink',
      { code: 'credentials-without-kvssink' },
    );
  }
  return kvs;
}

function buildOptions(options: LaunchOptions, source: CredentialSource) {
  return {
    credentials: source,
    credentialFile: options.credentialFile,
    log: { level: options.kvsLogLevel, file: options.kvsLogFile },
    stopStreamTimeoutSeconds: options.stopStreamTimeout,
    // Pipeline takes whole milliseconds; --play-timeout may have a fraction.
    playTimeoutMs: Math.ceil(options.playTimeout * 1000),
    environmentCredentials: options.removeEnvCredentials
      ? ('remove' as const)
      : ('reject' as const),
  };
}

function finish(output: Output, code: ExitCodeValue, error: unknown): ExitCodeValue {
  const { label } = classifyStartError(error);
  const reason = `${label}: ${describeError(error)}`;
  output.event('exit', `exit ${code}: ${reason}`, { code, reason });
  process.stderr.write(`gst-kvs: ${output.redact(reason)}\n`);
  return code;
}
