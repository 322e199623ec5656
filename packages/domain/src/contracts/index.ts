export * from './enums.js';
export * from './inputs.js';
