/** Reason for a `CredentialError`. */
export type CredentialErrorCode =
  | 'invalid-credentials'
  | 'expired'
  | 'expiring'
  | 'expires-earlier'
  | 'too-long'
  | 'whitespace'
  | 'invalid-file'
  | 'provider-failed'
  | 'write-failed';

export interface CredentialErrorOptions {
  /** kvssink status code for the same failure, e.g. 0x15000017. */
  status?: number;
  cause?: unknown;
}

/**
 * Error about credentials or the kvssink credential file.
 * Its message never contains a secret access key or session token, and access key ids only
 * in redacted form.
 */
export class CredentialError extends Error {
  readonly code: CredentialErrorCode;
  readonly status?: number;

  constructor(code: CredentialErrorCode, message: string, options: CredentialErrorOptions = {}) {
    const suffix =
      options.status === undefined ? '' : ` (kvssink status ${formatStatus(options.status)})`;
    super(message + suffix, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CredentialError';
    this.code = code;

    if (options.status !== undefined) {
      this.status = options.status;
    }
  }

  toJSON(): { name: string; code: CredentialErrorCode; status?: number; message: string } {
    return { name: this.name, code: this.code, status: this.status, message: this.message };
  }
}

/** Formats a kvssink status code the way kvssink logs it: 0x15000017. */
export function formatStatus(status: number): string {
  return `0x${status.toString(16).padStart(8, '0')}`;
}
