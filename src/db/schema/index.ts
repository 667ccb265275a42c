// Data model 1.2.0: the 13 core tables plus metadata governance, AI cortex and extension orchestration.
export * from './v1_0_0.js';
export * from './governance.js';
export * from './cortex.js';
export * from './extensions.js';
