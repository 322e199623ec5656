import type { EntityManager } from 'typeorm';
import type { OutboxPage } from '../contracts/auth.js';
import { Branding, OutboxMessage, Tenant } from '../entities/index.js';
import { newId } from '../crypto.js';
import { insertRow } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';
import type { ServiceDeps } from './deps.js';

/** A message as the transport sees it: already stored in the outbox. */
export interface MailMessage {
  id: string;
  tenantId: string | null;
  to: string;
  from: string;
  subject: string;
  text: string;
  template: string;
}

/**
 * Where mail goes after it is stored. The gateway supplies SMTP (nodemailer) when SMTP_URL is set;
 * otherwise mail stays in the outbox table, visible to owners, so Gatehouse works with nothing
 * configured.
 */
export interface Mailer {
  readonly transport: 'smtp' | 'outbox';
  /** Hands the message over (SMTP) or notes that it stays in the outbox; throws on failure. */
  deliver(message: MailMessage): Promise<void>;
}

/** The mailer when none is configured: messages simply stay in the outbox. */
export const outboxOnlyMailer: Mailer = { transport: 'outbox', deliver: async () => undefined };

export const DEFAULT_SENDER = 'Gatehouse <no-reply@localhost>';

export interface ComposeInput {
  tenantId: string;
  to: string;
  template: 'sign_in_link' | 'invitation';
  subject: string;
  text: string;
}

// Once SMTP has carried a message, the links in our copy are of no further use to anyone: the
// token in them is cut, so the outbox never keeps a usable credential of a delivered mail.
const LINK_TOKEN = /([#?&]token=)[A-Za-z0-9_-]+/g;

/**
 * Mail in two steps: `compose` writes the outbox row inside the caller's transaction (a link's token
 * and its mail commit together), `dispatch` hands committed rows to the transport.
 */
export class MailService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly mailer: Mailer,
  ) {}

  get transport(): Mailer['transport'] {
    return this.mailer.transport;
  }

  async compose(tx: EntityManager, input: ComposeInput): Promise<OutboxMessage> {
    const message: OutboxMessage = {
      id: newId(),
      tenantId: input.tenantId,
      to: input.to,
      from: await senderOf(tx, input.tenantId),
      subject: input.subject,
      text: input.text,
      template: input.template,
      attempts: 0,
      sentAt: null,
      lastError: null,
      createdAt: this.deps.clock.now(),
    };
    await insertRow(tx, OutboxMessage, message);
    return message;
  }

  /** Delivers committed messages; failures are recorded on the row, never thrown. */
  async dispatch(messages: OutboxMessage[]): Promise<void> {
    for (const message of messages) {
      try {
        await this.mailer.deliver(message);
        if (this.mailer.transport === 'smtp') {
          await this.deps.db.transaction((tx) =>
            tx.update(
              OutboxMessage,
              { id: message.id },
              {
                sentAt: this.deps.clock.now(),
                attempts: message.attempts + 1,
                lastError: null,
                text: message.text.replace(LINK_TOKEN, '$1[sent]'),
              },
            ),
          );
        }
      } catch (err) {
        await this.deps.db
          .transaction((tx) =>
            tx.update(
              OutboxMessage,
              { id: message.id },
              { attempts: message.attempts + 1, lastError: describe(err) },
            ),
          )
          .catch(() => undefined); // the database may be gone (shutdown); the row keeps its last state
      }
    }
  }

  /** Sends the invitation email for a token `UserService.invite` / `resendInvitation` just issued. */
  async sendInvitation(
    tenantId: string,
    invitation: { email: string; token: string },
    links: { publicUrl: string },
  ): Promise<OutboxMessage> {
    const message = await this.deps.db.transaction(async (tx) => {
      const tenantName = await tenantNameOf(tx, tenantId);
      const url = invitationUrl(links.publicUrl, invitation.token);
      return this.compose(tx, {
        tenantId,
        to: invitation.email,
        template: 'invitation',
        subject: `You are invited to ${tenantName} on Gatehouse`,
        text: [
          `You have been invited to join ${tenantName} on Gatehouse.`,
          '',
          `Accept the invitation: ${url}`,
          '',
          'The link is valid for 7 days and works once.',
        ].join('\n'),
      });
    });
    await this.dispatch([message]);
    return message;
  }

  /** The tenant's outbox, newest first (seed 001: delivery problems are for owners to look into). */
  async list(actor: ActorContext, query: { cursor?: string; limit?: number } = {}): Promise<OutboxPage> {
    authorize(actor, 'outbox:view');
    const limit = pageLimit(query.limit);
    const q = this.deps.db.manager
      .createQueryBuilder(OutboxMessage, 'm')
      .where('m.tenantId = :tenantId', { tenantId: actor.tenantId })
      .orderBy('m.createdAt', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(limit + 1);
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    if (after) {
      q.andWhere('(m.createdAt < :at OR (m.createdAt = :at AND m.id < :id))', after);
    }
    const rows = await q.getMany();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((m) => ({
        id: m.id,
        to: m.to,
        from: m.from,
        subject: m.subject,
        text: m.text,
        template: m.template,
        sentAt: m.sentAt?.toISOString() ?? null,
        attempts: m.attempts,
        lastError: m.lastError,
        createdAt: m.createdAt.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }
}

/** The acceptance link; the token rides in the fragment, which browsers never send to servers or logs. */
export function invitationUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/accept-invitation#token=${encodeURIComponent(token)}`;
}

/** Seed 000 "Custom branding": the tenant's sender address and name, else ours. */
async function senderOf(em: EntityManager, tenantId: string): Promise<string> {
  const branding = await em.findOneBy(Branding, { tenantId });
  if (!branding?.senderEmail) return DEFAULT_SENDER;
  const name = (branding.senderName ?? '').replace(/["\\\r\n]/g, '').trim();
  return name ? `"${name}" <${branding.senderEmail}>` : branding.senderEmail;
}

async function tenantNameOf(em: EntityManager, tenantId: string): Promise<string> {
  return (await em.findOneBy(Tenant, { id: tenantId }))?.name ?? 'your organisation';
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.slice(0, 1000);
}
