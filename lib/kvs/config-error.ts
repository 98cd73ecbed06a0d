/**
 * A kvssink configuration that would make it ignore the refreshed credential file, or an
 * invalid KvsPipeline option. The message states what to change. `kind` and `code` are both
 * "config", so callers that switch on GstError.kind or CredentialError.code can tell it apart.
 */
export class KvsConfigError extends Error {
  override readonly name = 'KvsConfigError';
  readonly kind = 'config';
  readonly code = 'config';
  readonly reason: KvsConfigReason;

  constructor(reason: KvsConfigReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

export type KvsConfigReason =
  'static-credentials' | 'iot-certificate' | 'environment-credentials' | 'invalid-option';
