import {
  fromContainerMetadata,
  fromIni,
  fromNodeProviderChain,
  fromProcess,
} from '@aws-sdk/credential-providers';

import type { CredentialSource } from './types.js';

/** Credential source names accepted by the CLI's --credentials option. */
export type CredentialSourceSpec = 'chain' | 'ecs' | 'process' | 'ini' | `ini:${string}`;

const ALLOWED = "'chain', 'ecs', 'process', 'ini' or 'ini:<profile>'";

/**
 * Creates an AWS SDK credential provider from its name: 'chain' (the default Node.js provider
 * chain), 'ecs' (container credentials endpoint), 'process' (credential_process), 'ini' or
 * 'ini:<profile>' (shared config and credentials files).
 */
export function credentialSourceFromSpec(spec: string): CredentialSource {
  if (spec === 'chain') {
    return fromNodeProviderChain();
  }
  if (spec === 'ecs') {
    return fromContainerMetadata();
  }
  if (spec === 'process') {
    return fromProcess();
  }
  if (spec === 'ini') {
    return fromIni();
  }

  if (typeof spec === 'string' && spec.startsWith('ini:')) {
    const profile = spec.slice('ini:'.length);
    if (profile !== '' && !/\s/.test(profile)) {
      return fromIni({ profile });
    }
  }

  throw new Error(`Invalid credential source '${String(spec)}': expected ${ALLOWED}`);
}
