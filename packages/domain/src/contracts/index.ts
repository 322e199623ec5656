export * from './enums.js';
export * from './inputs.js';
export * from './me.js';
export * from './monitoring.js';
export * from './settings.js';
export * from './integrations.js';
export * from './usage.js';
