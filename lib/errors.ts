import type { NativeBusMessage, NativeError } from './native.js';

/** The category of a GstError: parse, state change, timeout, bus error, or use after dispose. */
export type GstErrorKind = NativeError['kind'];

/**
 * A GStreamer error: a parse failure, a failed or timed-out state change, or an ERROR
 * message from the bus. Carries GStreamer's GError domain, code and debug string.
 */
export class GstError extends Error {
  override readonly name = 'GstError';
  readonly kind: GstErrorKind;
  /** GError domain, e.g. "gst-resource-error-quark". */
  readonly domain: string | undefined;
  readonly code: number | undefined;
  /** GStreamer's debug string: file, function and details, when the element gave one. */
  readonly debug: string | null;
  /** Name of the element that posted the error. */
  readonly source: string | null;

  constructor(
    message: string,
    fields: {
      kind: GstErrorKind;
      domain?: string;
      code?: number;
      debug?: string | null;
      source?: string | null;
    },
  ) {
    super(message);
    this.kind = fields.kind;
    this.domain = fields.domain;
    this.code = fields.code;
    this.debug = fields.debug ?? null;
    this.source = fields.source ?? null;
  }

  /** Builds a GstError from an ERROR or WARNING bus message. */
  static fromMessage(message: NativeBusMessage): GstError {
    const error = message.error;
    return new GstError(error?.message ?? `${message.type} message without a GError`, {
      kind: 'bus-error',
      domain: error?.domain,
      code: error?.code,
      debug: error?.debug ?? null,
      source: message.source,
    });
  }

  /** Wraps whatever the addon threw into a GstError, keeping TypeError and RangeError as they are. */
  static fromNative(cause: unknown): Error {
    if (cause instanceof TypeError || cause instanceof RangeError) {
      return cause;
    }
    if (cause instanceof GstError) {
      return cause;
    }
    if (cause instanceof Error && 'kind' in cause) {
      const native = cause as NativeError;
      return new GstError(native.message, native);
    }
    return cause instanceof Error ? cause : new Error(String(cause));
  }
}
