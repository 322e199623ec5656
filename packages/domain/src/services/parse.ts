import type { z } from 'zod';
import { InvalidInput } from '../errors.js';

/** Validates a use case's input with its contract; the CLI and the API get the same messages. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  throw new InvalidInput(
    'input.invalid',
    first ? `${first.path || 'input'}: ${first.message}` : 'Invalid input.',
    {
      issues,
    },
  );
}
