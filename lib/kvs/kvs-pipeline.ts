import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import createDebug from 'debug';
import { EventEmitter } from 'eventemitter3';

import {
  CredentialRefresher,
  FileTarget,
  type CredentialSource,
  type CredentialSummary,
  type RefresherOptions,
} from '../credentials/index.js';
import type { Element } from '../element.js';
import { GstError } from '../errors.js';
import type { SignalMessage } from '../message.js';
import type { StateName } from '../native.js';
import { Pipeline, warnUnhandledError, type PipelineEvents } from '../pipeline.js';
import { descriptionSetsProperty } from './description-properties.js';
import { toFragmentAckEvent, toStreamErrorEvent } from './fragment-ack.js';
import type { KvsPipelineEvents } from './kvs-events.js';
import { writeLogConfig, type KvsLogOptions } from './log-config.js';
import { preflight } from './preflight.js';

const debug = createDebug('gst-kvs:kvs');

export type { KvsLogOptions };

export interface KvsPipelineOptions {
  /**
   * Provider of the credentials written to the file kvssink reads, e.g.
   * fromContainerMetadata(). Omit it when kvssink gets credentials some other way: then
   * nothing is refreshed and the configuration checks on credentials are skipped.
   */
  credentials?: CredentialSource;
  /** Credential file. Default: `credential` in a new private directory (0700) under os.tmpdir(). */
  credentialFile?: string;
  /** kvssink's log4cplus output. Default: INFO to standard error. */
  log?: KvsLogOptions;
  /** kvssink's wait for the last acknowledgements when it stops. Default 10 (kvssink's own: 120). */
  stopStreamTimeoutSeconds?: number;
  /** Rejects play() after this many milliseconds. Default: Pipeline's default (30000). */
  playTimeoutMs?: number;
  /** More CredentialRefresher options (safety margin, lead time, retry). */
  refresher?: Omit<RefresherOptions, 'source' | 'targets'>;
  /**
   * Policy for AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, which make
   * kvssink ignore the credential file: 'reject' (default) fails play(), and 'remove'
   * deletes them (and AWS_SESSION_TOKEN) from process.env.
   */
  environmentCredentials?: 'reject' | 'remove';
}

const KVSSINK = 'kvssink';
const DEFAULT_STOP_STREAM_TIMEOUT = 120;
const DEFAULT_LOG_CONFIG = '../kvs_log_configuration';
const FORWARDED_EVENTS: Array<keyof PipelineEvents> = [
  'message',
  'error',
  'warning',
  'info',
  'eos',
  'state-changed',
  'element',
  'signal',
];

/**
 * A pipeline with one or more kvssink elements whose credentials are kept fresh: a
 * CredentialRefresher writes the file each kvssink reads at `credential-path`, and the
 * sinks' `fragment-ack` and `stream-error` signals arrive as events.
 *
 * @example
 * const kvs = new KvsPipeline('... ! h264parse ! kvssink name=kvs stream-name=cam1', {
 *   credentials: fromContainerMetadata(),
 * });
 * kvs.on('fragment-ack', (ack) => console.log(ack.type, ack.timecode));
 * await kvs.play();
 */
export class KvsPipeline extends EventEmitter<KvsPipelineEvents> {
  readonly pipeline: Pipeline;
  readonly #options: KvsPipelineOptions;
  readonly #stopStreamTimeoutSeconds: number;
  #refresher: CredentialRefresher | undefined;
  #privateDirectory: string | undefined;
  #logConfigFile: string | undefined;
  #credentialFile: string | undefined;
  #configured = false;
  #disposed = false;
  #playInFlight: Promise<void> | undefined;

  /** Builds the pipeline (state NULL). Throws a GstError of kind "parse" for a bad description. */
  constructor(description: string, options: KvsPipelineOptions = {}) {
    super();
    this.#stopStreamTimeoutSeconds = validateOptions(options);
    this.#options = options;
    this.pipeline = new Pipeline(description);
    this.#forwardPipelineEvents();
  }

  get description(): string {
    return this.pipeline.description;
  }

  get state(): StateName {
    return this.pipeline.state;
  }

  /** The kvssink elements of the pipeline. */
  get sinks(): Element[] {
    return this.pipeline.getElementsByFactory(KVSSINK);
  }

  /** Absolute path of the credential file, once play() has chosen it. */
  get credentialFile(): string | undefined {
    return this.#credentialFile;
  }

  /** Absolute path of the generated log4cplus configuration, once play() has written it. */
  get logConfigFile(): string | undefined {
    return this.#logConfigFile;
  }

  /** The credentials last written, without secrets. */
  get credentials(): CredentialSummary | undefined {
    return this.#refresher?.current;
  }

  /**
   * Checks the configuration, writes the first credentials, configures each kvssink, then
   * sets PLAYING. Rejects with KvsConfigError, CredentialError or GstError. A call while
   * another is running joins it.
   */
  play(): Promise<void> {
    this.#playInFlight ??= this.#play().finally(() => {
      this.#playInFlight = undefined;
    });
    return this.#playInFlight;
  }

  async #play(): Promise<void> {
    this.#assertUsable();
    const sinks = this.sinks;
    const warnings = preflight(sinks, {
      refreshing: this.#options.credentials !== undefined && sinks.length > 0,
      environmentCredentials: this.#options.environmentCredentials ?? 'reject',
      env: process.env,
    });
    for (const warning of warnings) {
      this.emit('config-warning', warning);
    }

    if (sinks.length > 0 && !this.#configured) {
      await this.#startCredentials();
      if (this.#disposed) {
        // dispose() ran while the first credentials were being written, and may have
        // removed the directory before the write recreated it.
        await this.#removeGeneratedFiles();
        this.#assertUsable();
      }
      await this.#configureSinks(sinks);
      this.#configured = true;
    } else if (this.#refresher !== undefined && this.pipeline.state === 'null') {
      // After stop(), kvssink reads the file again at NULL to READY, so it must be fresh.
      this.#refresher.stop();
      await this.#refresher.start();
    }

    await this.pipeline.play({ timeoutMs: this.#options.playTimeoutMs });
  }

  pause(): Promise<void> {
    this.#assertUsable();
    return this.pipeline.pause({ timeoutMs: this.#options.playTimeoutMs });
  }

  /**
   * Sets NULL, then stops refreshing. The credential file stays, so play() can start again.
   * kvssink may wait up to stop-stream-timeout for its last acknowledgements.
   */
  async stop(): Promise<void> {
    this.#assertUsable();
    await this.pipeline.stop({ timeoutMs: this.#teardownTimeoutMs() });
    this.#refresher?.stop();
  }

  /** Sends EOS; listen for `eos` or call waitForEos() first. */
  sendEos(): Promise<void> {
    this.#assertUsable();
    return this.pipeline.sendEos();
  }

  /** Resolves on the next `eos`, rejects on the next `error` or after `timeoutMs`. */
  waitForEos(timeoutMs?: number): Promise<void> {
    return this.pipeline.waitForEos(timeoutMs);
  }

  /**
   * Stops the refresher, disposes the pipeline (kvssink's stop included), then removes the
   * private directory if this object made it. Idempotent.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) {
      return;
    }
    this.#disposed = true;
    this.#refresher?.stop();

    // The file must outlive kvssink: remove it only once the pipeline is torn down.
    await this.pipeline.dispose(this.#teardownTimeoutMs());
    await this.#removeGeneratedFiles();
    debug('disposed %s', this.pipeline.name);
  }

  /**
   * Removes the generated files at once, for exit paths that cannot wait for dispose().
   * Call it only right before the process exits, because kvssink may still be running.
   */
  removeGeneratedFilesSync(): void {
    this.#refresher?.stop();
    if (this.#privateDirectory !== undefined) {
      rmSync(this.#privateDirectory, { recursive: true, force: true });
    } else if (this.#logConfigFile !== undefined && this.#configured) {
      rmSync(this.#logConfigFile, { force: true });
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  async #startCredentials(): Promise<void> {
    const directory = await this.#credentialDirectory();
    this.#logConfigFile = join(directory, 'kvssink-log4cplus.properties');
    const source = this.#options.credentials;
    if (source === undefined) {
      return;
    }

    this.#credentialFile = this.#options.credentialFile
      ? resolve(this.#options.credentialFile)
      : join(directory, 'credential');
    const refresher = new CredentialRefresher({
      ...this.#options.refresher,
      source,
      targets: [new FileTarget(this.#credentialFile)],
    });
    refresher.on('refreshed', (event) => this.emit('credentials-refreshed', event));
    refresher.on('error', (event) => this.emit('credentials-error', event));
    refresher.on('expiring', (event) => this.emit('credentials-expiring', event));
    this.#refresher = refresher;

    try {
      const first = await refresher.start();
      debug('first credentials %s written to %s', first.accessKeyId, this.#credentialFile);
    } catch (error) {
      refresher.stop();
      this.#refresher = undefined;
      throw error;
    }
  }

  async #credentialDirectory(): Promise<string> {
    if (this.#options.credentialFile) {
      return dirname(resolve(this.#options.credentialFile));
    }

    // mkdtemp creates the directory with mode 0700.
    this.#privateDirectory ??= await mkdtemp(join(tmpdir(), 'gst-kvs-'));
    return this.#privateDirectory;
  }

  async #configureSinks(sinks: Element[]): Promise<void> {
    const logConfigFile = this.#logConfigFile as string;
    await writeLogConfig(logConfigFile, this.#options.log);

    for (const sink of sinks) {
      if (this.#credentialFile !== undefined) {
        sink.set('credential-path', this.#credentialFile);
      }

      // A log-config the description sets is the user's choice; kvssink's default would
      // log at DEBUG to standard output, session tokens included.
      if (sink.get('log-config') === DEFAULT_LOG_CONFIG) {
        sink.set('log-config', logConfigFile);
      }
      if (!this.#userSetStopStreamTimeout(sink)) {
        sink.set('stop-stream-timeout', this.#stopStreamTimeoutSeconds);
      }

      sink.connect('fragment-ack');
      sink.connect('stream-error');
      debug('configured kvssink "%s"', sink.name);
    }
  }

  // NOTE: the description check is textual, so `stop-stream-timeout=120` on one kvssink
  // also keeps 120 on the other kvssinks of the same description.
  #userSetStopStreamTimeout(sink: Element): boolean {
    if (sink.get('stop-stream-timeout') !== DEFAULT_STOP_STREAM_TIMEOUT) {
      return true;
    }
    return descriptionSetsProperty(this.description, 'stop-stream-timeout');
  }

  #forwardPipelineEvents(): void {
    for (const name of FORWARDED_EVENTS) {
      this.pipeline.on(name, (...args: unknown[]) => {
        if (name === 'error' && this.listenerCount('error') === 0) {
          warnUnhandledError(args[0] as GstError, 'KvsPipeline');
        }
        (this.emit as (event: string, ...rest: unknown[]) => boolean)(name, ...args);
      });
    }
    this.pipeline.on('signal', (message) => this.#onSignal(message));
  }

  #onSignal(message: SignalMessage): void {
    if (message.sourceFactory !== KVSSINK && message.sourceFactory !== null) {
      return;
    }
    if (message.signal === 'fragment-ack') {
      const event = toFragmentAckEvent(message);
      if (event !== null) {
        this.emit('fragment-ack', event);
      }
    } else if (message.signal === 'stream-error') {
      const event = toStreamErrorEvent(message);
      if (event !== null) {
        this.emit('stream-error', event);
      }
    }
  }

  #teardownTimeoutMs(): number {
    return (this.#stopStreamTimeoutSeconds + 5) * 1000;
  }

  async #removeGeneratedFiles(): Promise<void> {
    if (this.#privateDirectory !== undefined) {
      await rm(this.#privateDirectory, { recursive: true, force: true });
    } else if (this.#logConfigFile !== undefined && this.#configured) {
      await rm(this.#logConfigFile, { force: true });
    }
  }

  #assertUsable(): void {
    if (this.#disposed) {
      throw new GstError('KvsPipeline has been disposed', { kind: 'disposed' });
    }
  }
}

function validateOptions(options: KvsPipelineOptions): number {
  const seconds = options.stopStreamTimeoutSeconds ?? 10;
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new RangeError(
      `stopStreamTimeoutSeconds must be a non-negative integer, got ${String(seconds)}`,
    );
  }
  const mode = options.environmentCredentials ?? 'reject';
  if (mode !== 'reject' && mode !== 'remove') {
    throw new RangeError(
      `environmentCredentials must be 'reject' or 'remove', got ${String(mode)}`,
    );
  }
  return seconds;
}
