import { createLogger, type Logger } from '../../src/logger.js';

/** A real logger whose JSON lines are kept in memory, so tests can read what an operator would. */
export function capturedLogger(): { logger: Logger; lines(): Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const logger = createLogger({ level: 'debug' }, { write: (line: string) => raw.push(line) });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
