import { EventEmitter } from 'eventemitter3';
import createDebug from 'debug';

import { Element } from './element.js';
import { GstError } from './errors.js';
import {
  isErrorMessage,
  type BusMessage,
  type ElementMessage,
  type ErrorMessage,
  type SignalMessage,
  type StateChangedMessage,
} from './message.js';
import {
  loadNative,
  type NativeBusMessage,
  type NativePipeline,
  type StateName,
} from './native.js';

const debug = createDebug('gst-kvs:pipeline');

/** States a pipeline can be asked to reach. */
export type TargetState = 'null' | 'ready' | 'paused' | 'playing';

export interface StateChangeOptions {
  /** Rejects with a GstError of kind "timeout" after this many milliseconds. 0 waits forever. */
  timeoutMs?: number;
}

export interface PipelineEvents {
  /** Every bus message and signal emission, in bus order, before the specific events below. */
  message: (message: BusMessage) => void;
  /** An ERROR message. The pipeline does not stop by itself: call stop() or dispose(). */
  error: (error: GstError, message: ErrorMessage) => void;
  warning: (warning: GstError, message: ErrorMessage) => void;
  info: (info: GstError, message: ErrorMessage) => void;
  /** The pipeline's EOS message: every sink has finished. */
  eos: (message: BusMessage) => void;
  /** A state change of the pipeline or of any element in it (see message.source). */
  'state-changed': (message: StateChangedMessage) => void;
  element: (message: ElementMessage) => void;
  /** A signal emission of an element connected with Element.connect(). */
  signal: (message: SignalMessage) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
// The largest delay setTimeout() supports.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function disposedError(): GstError {
  return new GstError('Pipeline has been disposed', { kind: 'disposed' });
}

/**
 * Prints a process warning for an ERROR without an "error" listener. eventemitter3 does not
 * throw for an unhandled "error" event as Node's EventEmitter does. A silent failure would
 * leave a stalled pipeline running unnoticed, and a warning does not end the process.
 */
export function warnUnhandledError(error: GstError, emitterName: string): void {
  const source = error.source === null ? '' : ` from "${error.source}"`;
  process.emitWarning(
    `Unhandled GStreamer error${source}: ${error.message}. Listen for the "error" event of ` +
      `the ${emitterName} to handle it, and call stop() or dispose().`,
    { code: 'GST_KVS_UNHANDLED_ERROR' },
  );
}

/**
 * A GStreamer pipeline built from a gst-launch-1.0 description and run inside this process.
 * Bus messages are delivered as events, in order, from GStreamer's own thread; state
 * changes run off the JavaScript thread and settle promises.
 *
 * @example
 * const pipeline = new Pipeline('videotestsrc num-buffers=60 ! fakesink');
 * pipeline.on('eos', () => pipeline.dispose());
 * await pipeline.play();
 */
export class Pipeline extends EventEmitter<PipelineEvents> {
  readonly description: string;
  readonly #native: NativePipeline;
  #disposed = false;
  #pendingChange: { state: TargetState; promise: Promise<void> } | undefined;

  /** Builds the pipeline (state NULL). Throws a GstError of kind "parse" for a bad description. */
  constructor(description: string) {
    super();
    if (typeof description !== 'string' || description.trim() === '') {
      throw new TypeError('Pipeline description must be a non-empty string');
    }
    this.description = description;
    const { Pipeline: NativePipelineClass } = loadNative();
    try {
      this.#native = new NativePipelineClass(description, (batch) => this.#dispatch(batch));
    } catch (cause) {
      throw GstError.fromNative(cause);
    }
  }

  get name(): string {
    return this.#native.name;
  }

  /** The pipeline's current state, read without waiting; "null" once disposed. */
  get state(): StateName {
    return this.#disposed ? 'null' : this.#native.getState().current;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Sets PLAYING and resolves when it is reached; rejects with the first bus error. */
  play(options: StateChangeOptions = {}): Promise<void> {
    return this.setState('playing', options);
  }

  pause(options: StateChangeOptions = {}): Promise<void> {
    return this.setState('paused', options);
  }

  /** Sets NULL: stops streaming and releases devices. The pipeline can be played again. */
  stop(options: StateChangeOptions = {}): Promise<void> {
    return this.setState('null', options);
  }

  /**
   * Changes the state. A call for the target of a pending change joins that change. A call
   * for another state supersedes it, and the pending promise rejects.
   */
  setState(state: TargetState, options: StateChangeOptions = {}): Promise<void> {
    if (this.#disposed) {
      return Promise.reject(disposedError());
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_TIMEOUT_MS) {
      return Promise.reject(
        new RangeError(
          `timeoutMs must be an integer from 0 to ${MAX_TIMEOUT_MS}, got ${String(timeoutMs)}`,
        ),
      );
    }
    if (this.#pendingChange?.state === state) {
      return this.#pendingChange.promise;
    }

    debug('%s: set state %s', this.name, state);
    const promise = this.#native.setState(state, timeoutMs).then(
      () => undefined,
      (cause: unknown) => {
        throw GstError.fromNative(cause);
      },
    );
    const pending = { state, promise };
    this.#pendingChange = pending;
    const clear = (): void => {
      if (this.#pendingChange === pending) {
        this.#pendingChange = undefined;
      }
    };
    promise.then(clear, clear);
    return promise;
  }

  /** Sends EOS into the pipeline; listen for `eos` to know when every sink has finished. */
  async sendEos(): Promise<void> {
    this.#assertUsable();
    await this.#native.sendEos();
  }

  /**
   * Resolves on the next `eos` event, rejects on the next `error` event or after
   * `timeoutMs`. Call before sendEos() so that a fast EOS is not missed.
   */
  waitForEos(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    if (this.#disposed) {
      return Promise.reject(disposedError());
    }
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('eos', onEos);
        this.off('error', onError);
      };
      const onEos = (): void => {
        cleanup();
        resolve();
      };
      const onError = (error: GstError): void => {
        cleanup();
        reject(error);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new GstError(`No EOS within ${timeoutMs} ms`, { kind: 'timeout' }));
      }, timeoutMs);
      this.on('eos', onEos);
      this.on('error', onError);
    });
  }

  /** Finds an element by name, looking inside bins too. */
  getElement(name: string): Element | null {
    this.#assertUsable();
    const native = this.#native.getElementByName(name);
    return native === null ? null : new Element(native, this.#native);
  }

  /** Returns every element made by `factory` (e.g. "kvssink"). */
  getElementsByFactory(factory: string): Element[] {
    this.#assertUsable();
    return this.#native
      .getElementsByFactory(factory)
      .map((native) => new Element(native, this.#native));
  }

  /**
   * Sets NULL (waiting at most `timeoutMs`), stops message delivery and frees the
   * pipeline. Idempotent; other methods throw afterwards.
   */
  async dispose(timeoutMs = 5000): Promise<void> {
    if (this.#disposed) {
      return;
    }
    this.#disposed = true;
    await this.#native.dispose(timeoutMs);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  #assertUsable(): void {
    if (this.#disposed) {
      throw disposedError();
    }
  }

  #dispatch(batch: NativeBusMessage[]): void {
    // A throwing listener must not cost the other listeners the rest of the batch: the
    // first error is rethrown once every message is delivered (the addon then raises it
    // as an uncaught exception).
    let thrown: { error: unknown } | undefined;
    for (const native of batch) {
      const message = native as BusMessage;
      try {
        this.emit('message', message);
      } catch (error) {
        thrown ??= { error };
      }
      try {
        this.#emitSpecific(message);
      } catch (error) {
        thrown ??= { error };
      }
    }
    if (thrown !== undefined) {
      throw thrown.error;
    }
  }

  #emitSpecific(message: BusMessage): void {
    if (isErrorMessage(message)) {
      const error = GstError.fromMessage(message);
      if (message.type === 'error' && this.listenerCount('error') === 0) {
        warnUnhandledError(error, 'Pipeline');
      }
      this.emit(message.type, error, message);
      return;
    }
    switch (message.type) {
      case 'eos':
        this.emit('eos', message);
        break;
      case 'state-changed':
        this.emit('state-changed', message as StateChangedMessage);
        break;
      case 'element':
        this.emit('element', message as ElementMessage);
        break;
      case 'signal':
        this.emit('signal', message as SignalMessage);
        break;
    }
  }
}
