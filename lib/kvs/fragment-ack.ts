import type { SignalMessage } from '../message.js';
import type { NativeFragmentAck } from '../native.js';
import {
  FRAGMENT_ACK_TYPES,
  type FragmentAckEvent,
  type FragmentAckType,
  type StreamErrorEvent,
} from './kvs-events.js';

/** Formats a kvssink status code the way the SDK logs it: "0x" and 8 hex digits. */
export function formatStatus(status: bigint | number): string {
  return `0x${status.toString(16).padStart(8, '0')}`;
}

function ackTypeName(ackType: number): FragmentAckType {
  return FRAGMENT_ACK_TYPES[ackType] ?? 'undefined';
}

function isFragmentAckStruct(value: unknown): value is NativeFragmentAck {
  return typeof value === 'object' && value !== null && 'ackType' in value && 'timestamp' in value;
}

/** Builds the `fragment-ack` event from a signal item, or null when the argument is not a FragmentAck. */
export function toFragmentAckEvent(message: SignalMessage): FragmentAckEvent | null {
  const ack = message.args[0];
  if (!isFragmentAckStruct(ack)) {
    return null;
  }
  return {
    sink: message.source ?? '',
    type: ackTypeName(ack.ackType),
    timecode: BigInt(ack.timestamp),
    sequenceNumber: ack.sequenceNumber,
    result: ack.result,
  };
}

/** Builds the `stream-error` event from a signal item carrying kvssink's guint64 status. */
export function toStreamErrorEvent(message: SignalMessage): StreamErrorEvent | null {
  const status = message.args[0];
  if (typeof status !== 'bigint' && typeof status !== 'number') {
    return null;
  }
  return {
    sink: message.source ?? '',
    status: BigInt(status),
    statusHex: formatStatus(status),
  };
}
