import * as all from './all.js';

export * from './all.js';

type EntityClass = abstract new (...args: never[]) => object;

/** Every entity class, for the data source; derived from the exports above, so there is one list. */
export const ENTITIES: EntityClass[] = Object.values(all).filter(
  (v): v is EntityClass => typeof v === 'function',
);
