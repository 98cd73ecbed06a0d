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
import { loadNative, type NativeBusMessage, type NativePipeline, type StateName } from './native.js';

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

  /** The pipeline's current state, read without waiting. */
  get state(): StateName {
    return this.#native.getState().current;
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

  async setState(state: TargetState, options: StateChangeOptions = {}): Promise<void> {
    this.#assertUsable();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
      throw new RangeError(`timeoutMs must be a non-negative integer, got ${String(timeoutMs)}`);
    }
    debug('%s: set state %s', this.name, state);
    try {
      await this.#native.setState(state, timeoutMs);
    } catch (cause) {
      throw GstError.fromNative(cause);
    }
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

  /** Every element made by `factory` (e.g. "kvssink"). */
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
      throw new GstError('Pipeline has been disposed', { kind: 'disposed' });
    }
  }

  #dispatch(batch: NativeBusMessage[]): void {
    for (const native of batch) {
      const message = native as BusMessage;
      this.emit('message', message);
      this.#emitSpecific(message);
    }
  }

  #emitSpecific(message: BusMessage): void {
    if (isErrorMessage(message)) {
      const error = GstError.fromMessage(message);
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
