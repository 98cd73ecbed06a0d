export { Pipeline } from './pipeline.js';
export type { PipelineEvents, StateChangeOptions, TargetState } from './pipeline.js';
export { Element } from './element.js';
export type { PropertyInfo } from './element.js';
export { GstError } from './errors.js';
export type { GstErrorKind } from './errors.js';
export * from './message.js';
export { loadNative } from './native.js';
export { KvsPipeline } from './kvs/kvs-pipeline.js';
export type { KvsPipelineOptions, KvsLogOptions } from './kvs/kvs-pipeline.js';
export type {
  ConfigWarningEvent,
  CredentialsExpiringEvent,
  FragmentAckEvent,
  FragmentAckType,
  KvsPipelineEvents,
  StreamErrorEvent,
} from './kvs/kvs-events.js';
export { KvsConfigError } from './kvs/config-error.js';
export type { KvsConfigReason } from './kvs/config-error.js';
export { KVS_LOG_LEVELS, formatLogConfig } from './kvs/log-config.js';
export type { KvsLogLevel } from './kvs/log-config.js';
export { redactDescription } from './redact-description.js';
export * from './credentials/index.js';
export {
  useTestElement,
  buildTestElement,
  TEST_ELEMENT_TIME_SCALE_ENV,
} from './kvs/test-element.js';
export type { TestElementEnvironment } from './kvs/test-element.js';
