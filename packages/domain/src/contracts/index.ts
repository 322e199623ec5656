export * from './enums.js';
export * from './inputs.js';
export * from './me.js';
