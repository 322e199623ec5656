// The statements a piece of work sends, as the data source's logger sees them: everything TypeORM
// runs and the hot reads, which show their own statements to the logger too (reads.ts).
import type { Database } from '../src/database.js';

export interface SentStatement {
  sql: string;
  params: unknown[];
}

/** Runs `work` and returns its result with every statement it sent, in order. */
export async function recordStatements<T>(
  db: Database,
  work: () => Promise<T>,
): Promise<{ result: T; sent: SentStatement[] }> {
  const logger = db.dataSource.logger;
  const sent: SentStatement[] = [];
  const recording = Object.create(logger) as typeof logger;
  recording.logQuery = (sql: string, params?: unknown[]) => {
    sent.push({ sql, params: params ?? [] });
  };
  db.dataSource.logger = recording;
  try {
    return { result: await work(), sent };
  } finally {
    db.dataSource.logger = logger;
  }
}

/** The statements `work` sent. */
export async function statementsOf(db: Database, work: () => Promise<unknown>): Promise<SentStatement[]> {
  return (await recordStatements(db, work)).sent;
}
