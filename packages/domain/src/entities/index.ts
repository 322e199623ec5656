import * as all from './all.js';

export * from './all.js';

type EntityClass = abstract new (...args: never[]) => object;

const exported: unknown[] = Object.values(all);

/** Every entity class, for the data source; derived from the exports above, so there is one list. */
export const ENTITIES: EntityClass[] = exported.filter((v): v is EntityClass => typeof v === 'function');
