import type { EntityManager } from 'typeorm';
import {
  TestSsoIssuerBody,
  UpdateSsoConnectionBody,
  type SsoTestResult,
  type UpdateSsoConnectionBody as UpdateSsoConnectionBodyType,
} from '../contracts/security.js';
import { SsoConnection, SsoDomain, Tenant } from '../entities/index.js';
import { InvariantViolated, NotFound } from '../errors.js';
import { forUpdate } from '../repositories/lock.js';
import { lockTenant } from '../repositories/tenants.repository.js';
import { uniquely } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import { PRIVATE_ADDRESS_REFUSED } from './webhook.service.js';

/** Discovery must answer within this long; an IdP that does not is reported, not waited for. */
const DISCOVERY_TIMEOUT_MS = 5_000;

/**
 * SSO connections after creation (`SsoConnectionService.configure`): list, change, delete, and a
 * "test connection" that runs OIDC discovery against the issuer. The client secret is write-only.
 * Seed 000: owners "set up how users log in … through single sign-on" (`sso:manage`); managers and
 * owners may look (`settings:view`).
 */
export class SsoAdminService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async list(actor: ActorContext): Promise<SsoConnection[]> {
    authorize(actor, 'settings:view');
    return this.deps.db.manager.find(SsoConnection, {
      where: { tenantId: actor.tenantId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async get(actor: ActorContext, connectionId: string): Promise<SsoConnection> {
    authorize(actor, 'settings:view');
    return findConnection(this.deps.db.manager, actor.tenantId, connectionId);
  }

  async update(
    actor: ActorContext,
    connectionId: string,
    raw: UpdateSsoConnectionBodyType,
  ): Promise<SsoConnection> {
    const input = parseInput(UpdateSsoConnectionBody, raw);
    authorize(actor, 'sso:manage');
    return this.deps.db.transaction(async (tx) => {
      const tenant = await lockTenant(tx, actor.tenantId);
      const current = await lockConnection(tx, actor.tenantId, connectionId);
      if (input.enabled === false && current.enabled) await assertNotLastRequired(tx, tenant, current.id);
      const now = this.deps.clock.now();
      const { clientSecret, domains, ...fields } = input;
      const next: SsoConnection = {
        ...current,
        ...fields,
        ...(clientSecret === undefined
          ? {}
          : { clientSecretEncrypted: this.deps.secrets.seal(clientSecret) }),
        ...(domains === undefined ? {} : { domains: [...new Set(domains)] }),
        updatedAt: now,
      };
      await tx.update(SsoConnection, { id: current.id }, { ...next });
      if (domains !== undefined) await replaceDomains(tx, next, now);
      await this.deps.audit.record(tx, actor, {
        action: 'sso_connection.updated',
        targetType: 'sso_connection',
        targetId: current.id,
        change: {
          before: auditView(current),
          after: auditView(next),
          ...(clientSecret === undefined ? {} : { clientSecretReplaced: true }),
        },
      });
      return next;
    });
  }

  /** Linked identities stay: they are keyed by (issuer, subject), so a re-created connection finds them. */
  async remove(actor: ActorContext, connectionId: string): Promise<void> {
    authorize(actor, 'sso:manage');
    await this.deps.db.transaction(async (tx) => {
      const tenant = await lockTenant(tx, actor.tenantId);
      const current = await lockConnection(tx, actor.tenantId, connectionId);
      if (current.enabled) await assertNotLastRequired(tx, tenant, current.id);
      await tx.delete(SsoDomain, { tenantId: actor.tenantId, connectionId: current.id });
      await tx.delete(SsoConnection, { id: current.id });
      await this.deps.audit.record(tx, actor, {
        action: 'sso_connection.deleted',
        targetType: 'sso_connection',
        targetId: current.id,
        change: { before: auditView(current) },
      });
    });
  }

  /** Discovery against a saved connection's issuer. */
  async test(actor: ActorContext, connectionId: string): Promise<SsoTestResult> {
    authorize(actor, 'sso:manage');
    const connection = await findConnection(this.deps.db.manager, actor.tenantId, connectionId);
    return this.discover(connection.issuer);
  }

  /** Discovery against an issuer typed into the set-up form, before saving. */
  async testIssuer(actor: ActorContext, raw: { issuer: string }): Promise<SsoTestResult> {
    const { issuer } = parseInput(TestSsoIssuerBody, raw);
    authorize(actor, 'sso:manage');
    return this.discover(issuer);
  }

  /**
   * OIDC Discovery 1.0 §4: GET {issuer}/.well-known/openid-configuration; the document's `issuer` must
   * equal the configured one (§4.3). Every failure is an answer in plain words, never an exception.
   * The owner chooses the URL; the gateway fetches it from its own network.
   */
  private async discover(issuer: string): Promise<SsoTestResult> {
    const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const failed = (error: string): SsoTestResult => ({
      ok: false,
      issuer,
      discoveryUrl,
      error,
      metadata: null,
    });
    let response: Response;
    try {
      response = await this.fetchImpl(discoveryUrl, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
      });
    } catch (err) {
      return failed(describeFetchError(err, discoveryUrl));
    }
    if (!response.ok) {
      return failed(`The discovery document answered HTTP ${response.status} at ${discoveryUrl}.`);
    }
    let document: Record<string, unknown>;
    try {
      document = (await response.json()) as Record<string, unknown>;
    } catch {
      return failed('The discovery document is not valid JSON.');
    }
    return checkDocument(document, issuer, discoveryUrl, failed);
  }
}

function checkDocument(
  document: Record<string, unknown>,
  issuer: string,
  discoveryUrl: string,
  failed: (error: string) => SsoTestResult,
): SsoTestResult {
  if (typeof document !== 'object' || document === null)
    return failed('The discovery document is not an object.');
  const text = (key: string) => (typeof document[key] === 'string' ? (document[key] as string) : null);
  if (text('issuer') !== issuer) {
    return failed(
      `The IdP calls itself "${text('issuer') ?? '(missing)'}", not "${issuer}": use its issuer exactly, trailing slash included.`,
    );
  }
  const missing = ['authorization_endpoint', 'token_endpoint', 'jwks_uri'].filter((key) => !text(key));
  if (missing.length > 0) return failed(`The discovery document lacks ${missing.join(', ')}.`);
  const scopes = Array.isArray(document.scopes_supported)
    ? document.scopes_supported.filter((s): s is string => typeof s === 'string')
    : [];
  return {
    ok: true,
    issuer,
    discoveryUrl,
    error: null,
    metadata: {
      authorizationEndpoint: text('authorization_endpoint') as string,
      tokenEndpoint: text('token_endpoint') as string,
      jwksUri: text('jwks_uri') as string,
      userinfoEndpoint: text('userinfo_endpoint'),
      scopesSupported: scopes,
    },
  };
}

/** Turns what fetch throws (undici puts the socket error in `cause`) into a sentence. */
function describeFetchError(err: unknown, url: string): string {
  const host = new URL(url).host;
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `The issuer did not answer within ${DISCOVERY_TIMEOUT_MS / 1000} seconds.`;
  }
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? '';
  if (code === PRIVATE_ADDRESS_REFUSED && cause?.message) return cause.message;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `The host name ${host} could not be resolved.`;
  if (code === 'ECONNREFUSED') return `Nothing accepted the connection at ${host}.`;
  if (code === 'ECONNRESET') return `The connection to ${host} was closed before it answered.`;
  if (
    code.startsWith('CERT_') ||
    code.includes('SELF_SIGNED') ||
    code.startsWith('ERR_TLS') ||
    code.startsWith('UNABLE_TO')
  ) {
    return `The TLS certificate of ${host} was not accepted (${code}).`;
  }
  return `The issuer could not be reached at ${host}${code ? ` (${code})` : ''}.`;
}

async function findConnection(em: EntityManager, tenantId: string, id: string): Promise<SsoConnection> {
  const connection = await em.findOneBy(SsoConnection, { tenantId, id });
  if (!connection) throw new NotFound('sso_connection.not_found', 'No such SSO connection.');
  return connection;
}

async function lockConnection(tx: EntityManager, tenantId: string, id: string): Promise<SsoConnection> {
  const connection = await forUpdate(
    tx,
    tx
      .createQueryBuilder(SsoConnection, 'c')
      .where('c.tenantId = :tenantId AND c.id = :id', { tenantId, id }),
  ).getOne();
  if (!connection) throw new NotFound('sso_connection.not_found', 'No such SSO connection.');
  return connection;
}

/** While SSO is required, the tenant keeps an enabled connection (checked under the tenant lock). */
async function assertNotLastRequired(tx: EntityManager, tenant: Tenant, connectionId: string): Promise<void> {
  if (!tenant.settings.ssoRequired) return;
  const others = await tx
    .createQueryBuilder(SsoConnection, 'c')
    .where('c.tenantId = :tenantId AND c.enabled = :enabled AND c.id <> :connectionId', {
      tenantId: tenant.id,
      enabled: true,
      connectionId,
    })
    .getCount();
  if (others === 0) {
    throw new InvariantViolated(
      'sso.required_needs_connection',
      'SSO is required for this tenant: turn that off in authentication methods before removing its last connection.',
    );
  }
}

/** Home-realm discovery needs one owner per domain: another connection's domain is a conflict (409). */
async function replaceDomains(tx: EntityManager, connection: SsoConnection, now: Date): Promise<void> {
  await tx.delete(SsoDomain, { tenantId: connection.tenantId, connectionId: connection.id });
  for (const domain of connection.domains) {
    await uniquely(
      () =>
        tx.insert(SsoDomain, {
          domain,
          tenantId: connection.tenantId,
          connectionId: connection.id,
          createdAt: now,
        }),
      'sso.domain_taken',
      `The domain ${domain} is already claimed by an SSO connection.`,
    );
  }
}

const auditView = (c: SsoConnection) => ({
  name: c.name,
  issuer: c.issuer,
  clientId: c.clientId,
  domains: c.domains,
  jitEnabled: c.jitEnabled,
  linkClaim: c.linkClaim,
  linkByVerifiedEmail: c.linkByVerifiedEmail,
  groupsClaim: c.groupsClaim,
  enabled: c.enabled,
});
