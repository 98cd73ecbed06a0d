import { CredentialError } from './errors.js';
import type { AwsCredentials, CredentialSource } from './types.js';

// setTimeout fires at once for delays above 2^31 - 1 ms.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls a credential source with `{ forceRefresh: true }` and copies the four fields kvssink
 * uses. Rejects with a 'provider-failed' CredentialError when the source fails or takes longer
 * than `timeoutMs`. The result of a source that settles after the timeout is ignored.
 */
export async function fetchCredentials(
  source: CredentialSource,
  timeoutMs: number,
): Promise<AwsCredentials> {
  const identity = await callWithTimeout(source, timeoutMs);
  if (identity === null || typeof identity !== 'object') {
    throw new CredentialError(
      'invalid-credentials',
      'The credential provider returned no credentials',
    );
  }

  // Copy only the four fields kvssink uses; providers may add others.
  const credentials: AwsCredentials = {
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
  };
  if (identity.sessionToken !== undefined) {
    credentials.sessionToken = identity.sessionToken;
  }
  if (identity.expiration !== undefined) {
    credentials.expiration = identity.expiration;
  }
  return credentials;
}

async function callWithTimeout(
  source: CredentialSource,
  timeoutMs: number,
): Promise<AwsCredentials> {
  // An async wrapper turns a synchronous throw of the source into a rejection.
  const call = (async () => source({ forceRefresh: true }))();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        reject(
          new CredentialError(
            'provider-failed',
            `The credential provider timed out after ${timeoutMs} ms`,
          ),
        );
      },
      Math.min(timeoutMs, MAX_TIMER_DELAY_MS),
    );
    // Like the refresh timers, this one does not keep the process alive.
    timer.unref();
  });

  try {
    return await Promise.race([call, timeout]);
  } catch (error) {
    throw asProviderError(error);
  } finally {
    clearTimeout(timer);
    // A call that fails after the timeout must not become an unhandled rejection.
    call.catch(() => undefined);
  }
}

/** Wraps an error of a credential source in a 'provider-failed' CredentialError. */
export function asProviderError(error: unknown): CredentialError {
  if (error instanceof CredentialError) {
    return error;
  }

  const name = (error as Error)?.name ?? 'Error';
  const message = String((error as Error)?.message ?? error).slice(0, 300);
  return new CredentialError(
    'provider-failed',
    `The credential provider failed: ${name}: ${message}`,
    {
      cause: error,
    },
  );
}
