// Loads the C++ addon and declares its raw interface. Only lib/ talks to these types;
// applications use Pipeline, Element and KvsPipeline.
import { createRequire } from 'node:module';

/** A GStreamer element state, lower case as gst_element_state_get_name() spells it. */
export type StateName = 'void-pending' | 'null' | 'ready' | 'paused' | 'playing';

/** A GError carried by an ERROR, WARNING or INFO bus message. */
export interface NativeGError {
  /** GQuark string of the domain, e.g. "gst-stream-error-quark", "gst-core-error-quark". */
  domain: string;
  code: number;
  message: string;
  debug: string | null;
}

/** A value converted from a GValue: see native/value.cc for the mapping. */
export type NativeValue =
  string | number | bigint | boolean | null | NativeStructure | NativeValue[];

/** A GstStructure as plain data. */
export interface NativeStructure {
  name: string;
  fields: Record<string, NativeValue>;
}

/** kvssink's FragmentAck struct, copied field by field inside the signal emission. */
export interface NativeFragmentAck {
  version: number;
  /** 0 undefined, 1 buffering, 2 received, 3 persisted, 4 error, 5 idle. */
  ackType: number;
  /** Fragment timecode, in milliseconds with kvssink's default timecode scale. */
  timestamp: bigint;
  sequenceNumber: string;
  /** Service call result, 200 for OK. */
  result: number;
}

/**
 * One item of a pipeline's ordered channel: a bus message, or a signal emission from an
 * element that the pipeline connected with connectSignal().
 */
export interface NativeBusMessage {
  /** gst_message_type_get_name(): "error", "eos", "state-changed", "element", ... or "signal". */
  type: string;
  /** Name of the message source (or of the element that emitted the signal), null if none. */
  source: string | null;
  /** Factory name of the source element, null when the source is not an element (a pad, the bus). */
  sourceFactory: string | null;
  /** CLOCK_MONOTONIC nanoseconds when the bus received the message: compare with process.hrtime.bigint(). */
  receivedAt: bigint;
  /** The message structure, when the message has one. */
  structure?: NativeStructure;
  /** ERROR, WARNING and INFO messages. */
  error?: NativeGError;
  /** STATE_CHANGED messages. */
  oldState?: StateName;
  newState?: StateName;
  pendingState?: StateName;
  /** Signal items: the signal name. */
  signal?: string;
  /**
   * Signal items: the arguments after the instance, converted like property values. A
   * `fragment-ack` gpointer arrives as NativeFragmentAck; other gpointers as null.
   */
  args?: Array<NativeValue | NativeFragmentAck>;
}

/** A property's description, from its GParamSpec. */
export interface NativePropertyInfo {
  name: string;
  /** GType name of the value, e.g. "gchararray", "gboolean", "guint64", "GstStructure". */
  type: string;
  readable: boolean;
  writable: boolean;
  blurb: string | null;
}

export interface NativeElement {
  readonly name: string;
  /** Factory name, e.g. "kvssink", or null for bins made by the parser. */
  readonly factory: string | null;
  /**
   * Reads a property. gchararray -> string | null, gboolean -> boolean, gint/guint/
   * glong/gulong/gfloat/gdouble -> number, gint64/guint64 -> bigint, enums -> nick string,
   * flags -> number, GstStructure -> NativeStructure | null, GstCaps -> string | null.
   * Throws TypeError for an unknown or unreadable property, naming it.
   */
  get(property: string): NativeValue;
  /**
   * Writes a property, checked against its GParamSpec: the JavaScript type, integer range
   * and writability. 64-bit properties take bigint or a safe integer number. Enums take the
   * nick, the name or the number. GstStructure takes its serialized string form.
   * Throws TypeError naming the property and the expected type, RangeError for a value
   * outside the GParamSpec's range.
   */
  set(property: string, value: unknown): void;
  listProperties(): NativePropertyInfo[];
}

/** Outcome of a completed state change. */
export interface NativeStateChangeResult {
  /** gst_element_set_state()'s return: "success", "async", "no-preroll". */
  result: 'success' | 'async' | 'no-preroll';
  state: StateName;
}

/**
 * Error thrown or rejected by the addon. `kind` names what failed, and GStreamer errors
 * also carry their GError fields.
 */
export interface NativeError extends Error {
  kind: 'parse' | 'state-change' | 'timeout' | 'bus-error' | 'disposed';
  domain?: string;
  code?: number;
  debug?: string | null;
  /** Name of the element that posted the bus error, when there is one. */
  source?: string | null;
}

export interface NativePipeline {
  /** The pipeline's (or top-level element's) name. */
  readonly name: string;
  /**
   * Changes state off the JavaScript thread. Resolves when the pipeline has reached
   * `state` (ASYNC_DONE or the pipeline's own state-changed, so live sources resolve too),
   * rejects with the first ERROR message posted after the call, when
   * gst_element_set_state() fails, or after `timeoutMs` (0: no timeout). The bus messages
   * posted before the settlement are delivered to onMessage before the promise settles.
   */
  setState(
    state: 'null' | 'ready' | 'paused' | 'playing',
    timeoutMs: number,
  ): Promise<NativeStateChangeResult>;
  /** Current and pending state, without waiting. */
  getState(): { current: StateName; pending: StateName };
  /** Sends an EOS event to the pipeline, off the JavaScript thread. Resolves to whether it was handled. */
  sendEos(): Promise<boolean>;
  /** Finds an element by name anywhere in the pipeline (recursing into bins). */
  getElementByName(name: string): NativeElement | null;
  /** All elements made by `factory`, in the order the bin iterates them. */
  getElementsByFactory(factory: string): NativeElement[];
  /**
   * Connects `signal` of element `elementName`. Each emission's arguments are copied in
   * the emitting thread and delivered to onMessage as a "signal" item, in order with the
   * bus messages. Returns false when the element has no such signal.
   */
  connectSignal(elementName: string, signal: string): boolean;
  /** Sets the pipeline to NULL (bounded by `timeoutMs`), removes the bus watch, frees everything. Idempotent. */
  dispose(timeoutMs?: number): Promise<void>;
}

export interface NativePipelineConstructor {
  /**
   * Builds a pipeline with gst_parse_launch(). Throws a NativeError of kind "parse" whose
   * message is GStreamer's, e.g. "no element \"nosuchelement\"". Messages arrive in batches,
   * in bus order.
   */
  new (description: string, onMessages: (messages: NativeBusMessage[]) => void): NativePipeline;
}

export interface NativeAddon {
  Pipeline: NativePipelineConstructor;
  /** gst_version_string(), e.g. "GStreamer 1.22.0". */
  gstreamerVersion(): string;
  /** Whether an element factory with this name is registered. */
  hasElementFactory(name: string): boolean;
}

let addon: NativeAddon | undefined;

/**
 * Returns the addon, loading it on first use. GStreamer reads GST_PLUGIN_PATH and
 * GST_REGISTRY when the addon loads, so set them before the first call.
 */
export function loadNative(): NativeAddon {
  if (addon === undefined) {
    const require = createRequire(import.meta.url);
    addon = require('../../build/Release/gst_kvs.node') as NativeAddon;
  }
  return addon;
}
