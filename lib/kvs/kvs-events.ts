import type {
  CredentialSummary,
  RefreshedEvent,
  RefresherErrorEvent,
} from '../credentials/index.js';
import type { PipelineEvents } from '../pipeline.js';

/** kvssink's acknowledgement types, in the order of the SDK's FRAGMENT_ACK_TYPE values 0-5. */
export const FRAGMENT_ACK_TYPES = [
  'undefined',
  'buffering',
  'received',
  'persisted',
  'error',
  'idle',
] as const;

export type FragmentAckType = (typeof FRAGMENT_ACK_TYPES)[number];

/** One kvssink `fragment-ack` emission. */
export interface FragmentAckEvent {
  /** Name of the kvssink element. */
  sink: string;
  type: FragmentAckType;
  /** Fragment timecode in milliseconds (kvssink's default timecode scale). */
  timecode: bigint;
  sequenceNumber: string;
  /** Service call result: 200 for OK. */
  result: number;
}

/** One kvssink `stream-error` emission: a non-recoverable stream error. */
export interface StreamErrorEvent {
  sink: string;
  status: bigint;
  /** The status as the SDK prints it, e.g. "0x52000049". */
  statusHex: string;
}

/** A configuration that works but probably not as intended. */
export interface ConfigWarningEvent {
  code: 'region-override' | 'credentials-without-kvssink';
  message: string;
}

export interface CredentialsExpiringEvent {
  credentials: CredentialSummary;
  expiresInSeconds: number;
}

/** Every Pipeline event, forwarded, plus kvssink's signals and the credential refresher's events. */
export interface KvsPipelineEvents extends PipelineEvents {
  'fragment-ack': (event: FragmentAckEvent) => void;
  'stream-error': (event: StreamErrorEvent) => void;
  'credentials-refreshed': (event: RefreshedEvent) => void;
  'credentials-error': (event: RefresherErrorEvent) => void;
  'credentials-expiring': (event: CredentialsExpiringEvent) => void;
  'config-warning': (event: ConfigWarningEvent) => void;
}
