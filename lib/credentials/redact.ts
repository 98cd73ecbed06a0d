import type { AwsCredentials, CredentialSummary } from './types.js';

// Ids shorter than this would be mostly revealed by showing 8 of their characters.
const MIN_REDACTABLE_LENGTH = 16;

/** Redacts an access key id to its first 4 and last 4 characters ('ASIA…MPLE'). */
export function redactKeyId(accessKeyId: string): string {
  if (typeof accessKeyId !== 'string' || accessKeyId.length < MIN_REDACTABLE_LENGTH) {
    return '…';
  }

  return `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}

/** Builds a summary of credentials without the secret access key or session token. */
export function summarizeCredentials(credentials: AwsCredentials): CredentialSummary {
  const summary: CredentialSummary = {
    accessKeyId: redactKeyId(credentials.accessKeyId),
    hasSessionToken:
      typeof credentials.sessionToken === 'string' && credentials.sessionToken !== '',
  };

  if (credentials.expiration !== undefined) {
    summary.expiration = new Date(credentials.expiration.getTime());
  }

  return summary;
}
