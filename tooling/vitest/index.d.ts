export interface PreparedDatabase {
  url: string;
  schema?: string;
  label: string;
  cleanup(): Promise<void>;
}
export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  prepare(): Promise<PreparedDatabase>;
}
export const LOCAL_POSTGRES: string;
export function postgresTestUrl(): string;
export const DATABASES: TestDatabase[];
