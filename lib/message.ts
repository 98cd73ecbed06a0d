import type {
  NativeBusMessage,
  NativeFragmentAck,
  NativeGError,
  NativeStructure,
  NativeValue,
  StateName,
} from './native.js';

export type { NativeFragmentAck as FragmentAckStruct, NativeStructure as Structure };
export type { NativeValue as Value, StateName as State };

/** Fields shared by every bus message. */
export interface MessageBase {
  /** gst_message_type_get_name(), e.g. "eos", "state-changed", "element". */
  type: string;
  /** Name of the object that posted the message. */
  source: string | null;
  /** Factory name of the posting element, e.g. "x264enc". */
  sourceFactory: string | null;
  /** CLOCK_MONOTONIC nanoseconds when the bus received it, comparable with process.hrtime.bigint(). */
  receivedAt: bigint;
  structure?: NativeStructure;
}

/** An ERROR, WARNING or INFO message. */
export interface ErrorMessage extends MessageBase {
  type: 'error' | 'warning' | 'info';
  error: NativeGError;
}

export interface StateChangedMessage extends MessageBase {
  type: 'state-changed';
  oldState: StateName;
  newState: StateName;
  pendingState: StateName;
}

/** An ELEMENT message: an element-specific structure such as kvssink's or level's. */
export interface ElementMessage extends MessageBase {
  type: 'element';
  structure: NativeStructure;
}

/** A signal emission from an element connected with Element.connect(). */
export interface SignalMessage extends MessageBase {
  type: 'signal';
  signal: string;
  args: Array<NativeValue | NativeFragmentAck>;
}

export interface OtherMessage extends MessageBase {
  type: Exclude<string, 'error' | 'warning' | 'info' | 'state-changed' | 'element' | 'signal'>;
}

export type BusMessage =
  ErrorMessage | StateChangedMessage | ElementMessage | SignalMessage | OtherMessage;

export function isErrorMessage(message: BusMessage): message is ErrorMessage {
  return (
    (message.type === 'error' || message.type === 'warning' || message.type === 'info') &&
    'error' in message
  );
}

export function isStateChangedMessage(message: BusMessage): message is StateChangedMessage {
  return message.type === 'state-changed';
}

/** Converts the addon's plain item to the typed view (the shapes already match). */
export function toBusMessage(native: NativeBusMessage): BusMessage {
  return native as BusMessage;
}
