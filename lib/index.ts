export { Pipeline } from './pipeline.js';
export type { PipelineEvents, StateChangeOptions, TargetState } from './pipeline.js';
export { Element } from './element.js';
export type { PropertyInfo } from './element.js';
export { GstError } from './errors.js';
export type { GstErrorKind } from './errors.js';
export * from './message.js';
export { loadNative } from './native.js';
