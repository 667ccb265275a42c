// The Bin (sync_buffer) and metadata governance: submit, validate, analyse impact, propagate.
export * from './browse.js';
export * from './capabilities.js';
export * from './compliance.js';
export * from './guardrails.js';
export * from './handlers.js';
export * from './impact.js';
export * from './review.js';
export * from './standards.js';
export * from './submit.js';
export * from './validation.js';
export * from './worker.js';
export { compilePattern, MAX_PATTERN_LENGTH } from './regex.js';
