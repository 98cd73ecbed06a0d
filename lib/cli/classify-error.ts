import { GstError } from '../errors.js';
import { KvsConfigError } from '../kvs/config-error.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** Maps an error thrown while starting a pipeline to the exit code and a label for it. */
export function classifyStartError(error: unknown): { code: ExitCodeValue; label: string } {
  if (error instanceof KvsConfigError) {
    return { code: ExitCode.credentials, label: 'configuration error' };
  }
  if (error instanceof Error && error.name === 'CredentialError') {
    return { code: ExitCode.credentials, label: 'credentials error' };
  }
  if (error instanceof GstError && error.kind === 'parse') {
    return { code: ExitCode.usage, label: 'invalid pipeline description' };
  }
  if (error instanceof RangeError || error instanceof TypeError) {
    return { code: ExitCode.usage, label: 'invalid option' };
  }
  return { code: ExitCode.pipelineError, label: 'pipeline error' };
}

/** Returns the message of an error; a CredentialError's message already names its kvssink status. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
