// The only list of entities (STYLE §5). Filled in by the domain model.
export const ENTITIES: Function[] = [];
