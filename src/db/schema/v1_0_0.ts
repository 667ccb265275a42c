// The 13 tables of data model 1.0.0 (drizzle-kit input for the first migration step).
export * from './core.js';
export * from './configuration.js';
export * from './sync.js';
export * from './audit.js';
export * from './ai.js';
