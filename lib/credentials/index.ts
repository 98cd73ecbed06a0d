export type {
  AwsCredentials,
  CredentialSource,
  CredentialSourceOptions,
  CredentialSummary,
  CredentialTarget,
} from './types.js';
export { redactKeyId, summarizeCredentials } from './redact.js';
export { CredentialError, formatStatus, type CredentialErrorCode } from './errors.js';
export {
  KVSSINK_LIMITS,
  KVSSINK_STATUS,
  formatCredentialFile,
  formatKvssinkExpiration,
  parseCredentialFile,
  validateForKvssink,
  type ParsedCredentialFile,
} from './kvssink-file.js';
export { FileTarget } from './file-target.js';
export {
  CredentialRefresher,
  type RefreshedEvent,
  type RefresherErrorEvent,
  type RefresherEvents,
  type RefresherOptions,
} from './refresher.js';
export {
  isLongEnough,
  minimumUsefulLifetimeSeconds,
  planRefresh,
  type RefreshPlan,
  type RefreshPlanInput,
} from './schedule.js';
export { planRetry, type RetryPlan, type RetryPlanInput } from './backoff.js';
export { credentialSourceFromSpec, type CredentialSourceSpec } from './providers.js';
