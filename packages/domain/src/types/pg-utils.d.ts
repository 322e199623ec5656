// node-postgres's own conversion of a value to the text it binds (not in @types/pg).
declare module 'pg/lib/utils.js' {
  export function prepareValue(value: unknown): unknown;
}
