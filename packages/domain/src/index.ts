export * from './errors.js';
export * from './database.js';
