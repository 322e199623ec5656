// Migration classes per dialect, in order. Same file names in sqlite/ and postgres/.
export const MIGRATIONS: { sqlite: Function[]; postgres: Function[] } = { sqlite: [], postgres: [] };
