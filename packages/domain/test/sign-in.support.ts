// Helpers for the sign-in tests: the request context, and links read back from the outbox the way
// an owner (or the SPA's test) would read them with no SMTP configured.
import type { FindOptionsWhere } from 'typeorm';
import type { Database } from '../src/database.js';
import { OutboxMessage, SignInEvent } from '../src/entities/index.js';
import type { SignInContext } from '../src/services/index.js';

export const PUBLIC_URL = 'https://gatehouse.test';

export const ctx = (over: Partial<SignInContext> = {}): SignInContext => ({
  ip: '203.0.113.10',
  userAgent: 'vitest',
  publicUrl: PUBLIC_URL,
  ...over,
});

/** The newest mail to `to`, and the token in its link. */
export async function lastMail(
  db: Database,
  to: string,
): Promise<{ message: OutboxMessage; token: string } | null> {
  const message = await db.manager.findOne(OutboxMessage, {
    where: { to },
    order: { createdAt: 'DESC', id: 'DESC' },
  });
  if (!message) return null;
  const token = /[#?&]token=([A-Za-z0-9_-]+)/.exec(message.text)?.[1];
  if (!token) throw new Error(`no link in mail ${message.id}`);
  return { message, token };
}

export async function mailCount(db: Database, to: string): Promise<number> {
  return db.manager.count(OutboxMessage, { where: { to } });
}

/** The events of a tenant (or of no tenant), newest first. */
export async function events(
  db: Database,
  where: FindOptionsWhere<SignInEvent> = {},
): Promise<SignInEvent[]> {
  return db.manager.find(SignInEvent, { where, order: { occurredAt: 'DESC', id: 'DESC' } });
}
