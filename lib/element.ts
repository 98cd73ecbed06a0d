import { GstError } from './errors.js';
import type { NativeElement, NativePipeline, NativePropertyInfo, NativeValue } from './native.js';

export type PropertyInfo = NativePropertyInfo;

/**
 * An element of a running pipeline. Property access is checked against the element's
 * GParamSpecs: an unknown property or a value of the wrong type throws a TypeError that
 * names the property and the expected type.
 */
export class Element {
  readonly #native: NativeElement;
  readonly #pipeline: NativePipeline;

  /** @internal Use Pipeline.getElement() or Pipeline.getElementsByFactory(). */
  constructor(native: NativeElement, pipeline: NativePipeline) {
    this.#native = native;
    this.#pipeline = pipeline;
  }

  get name(): string {
    return this.#native.name;
  }

  /** Factory name, e.g. "kvssink"; null for bins the parser made. */
  get factory(): string | null {
    return this.#native.factory;
  }

  /** Reads a property. 64-bit integers come back as bigint, enums as their nick. */
  get<T extends NativeValue = NativeValue>(property: string): T {
    try {
      return this.#native.get(property) as T;
    } catch (cause) {
      throw GstError.fromNative(cause);
    }
  }

  /** Writes a property. 64-bit integers take a bigint or a safe integer; enums a nick, name or number. */
  set(property: string, value: unknown): this {
    try {
      this.#native.set(property, value);
    } catch (cause) {
      throw GstError.fromNative(cause);
    }
    return this;
  }

  /** Returns whether the element has a property of this name. */
  hasProperty(property: string): boolean {
    return this.properties().some((info) => info.name === property);
  }

  /** Returns every property with its GType name and access flags. */
  properties(): PropertyInfo[] {
    return this.#native.listProperties();
  }

  /**
   * Connects a signal of this element. Each emission arrives as a `signal` event on the
   * pipeline, in order with the bus messages. Throws when the element has no such signal.
   */
  connect(signal: string): void {
    let connected: boolean;
    try {
      connected = this.#pipeline.connectSignal(this.name, signal);
    } catch (cause) {
      throw GstError.fromNative(cause);
    }
    if (!connected) {
      throw new TypeError(`Element "${this.name}" has no signal "${signal}"`);
    }
  }

  toString(): string {
    return `${this.factory ?? 'element'} "${this.name}"`;
  }
}
