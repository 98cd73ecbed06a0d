/**
 * AWS credentials as the AWS SDK for JavaScript v3 returns them (`AwsCredentialIdentity`).
 * Objects of this shape hold secrets: never log or emit them, emit a `CredentialSummary`.
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Absent for long-term keys, which never expire. */
  expiration?: Date;
}

/** Options the refresher passes to a credential source. */
export interface CredentialSourceOptions {
  /** Bypass any cache; `fromNodeProviderChain` otherwise returns credentials near expiry. */
  forceRefresh?: boolean;
  /**
   * Never set. Declared so that AWS SDK providers, whose parameter type is
   * `AwsIdentityProperties`, are assignable to `CredentialSource`.
   */
  callerClientConfig?: undefined;
}

/**
 * Credential source: any `@aws-sdk/credential-providers` provider, or an async function.
 * The refresher calls it with `{ forceRefresh: true }` so that memoizing providers such as
 * `fromNodeProviderChain` fetch new credentials instead of returning cached ones.
 */
export type CredentialSource = (options?: CredentialSourceOptions) => Promise<AwsCredentials>;

/** Destination of credentials: a kvssink credential file now, kvssink properties later. */
export interface CredentialTarget {
  /** Human-readable name of the destination without any secret, e.g. 'file /run/kvs/credential'. */
  readonly description: string;
  write(credentials: AwsCredentials): Promise<void>;
}

/** Description of credentials that is safe to log and emit: it contains no secret. */
export interface CredentialSummary {
  /** Redacted access key id, e.g. 'ASIA…MPLE'. */
  accessKeyId: string;
  expiration?: Date;
  hasSessionToken: boolean;
}
