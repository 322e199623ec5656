import { ConfigureSsoInput, type ConfigureSsoInput as ConfigureSsoInputType } from '../contracts/inputs.js';
import { SsoConnection, SsoDomain } from '../entities/index.js';
import { newId } from '../crypto.js';
import { Conflict } from '../errors.js';
import { isUniqueViolation } from '../database.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';

/** Per-tenant OIDC connections; the client secret is sealed with the instance key and never returned. */
export class SsoConnectionService {
  constructor(private readonly deps: ServiceDeps) {}

  async configure(actor: ActorContext, raw: ConfigureSsoInputType): Promise<SsoConnection> {
    const input = parseInput(ConfigureSsoInput, raw);
    authorize(actor, 'sso:manage');
    return this.deps.db.transaction(async (tx) => {
      const now = this.deps.clock.now();
      const connection = tx.create(SsoConnection, {
        id: newId(),
        tenantId: actor.tenantId,
        name: input.name,
        issuer: input.issuer,
        clientId: input.clientId,
        clientSecretEncrypted: this.deps.secrets.seal(input.clientSecret),
        domains: [...new Set(input.domains)],
        jitEnabled: input.jitEnabled,
        linkClaim: input.linkClaim,
        linkByVerifiedEmail: input.linkByVerifiedEmail,
        groupsClaim: input.groupsClaim,
        enabled: true,
        createdAt: now,
        updatedAt: now,
      });
      await tx.insert(SsoConnection, connection);
      for (const domain of connection.domains) {
        // Home-realm discovery needs one owner per domain: a domain another connection holds is a conflict.
        try {
          await tx.insert(SsoDomain, {
            domain,
            tenantId: actor.tenantId,
            connectionId: connection.id,
            createdAt: now,
          });
        } catch (err) {
          if (isUniqueViolation(err))
            throw new Conflict(
              'sso.domain_taken',
              `The domain ${domain} is already claimed by an SSO connection.`,
            );
          throw err;
        }
      }
      await this.deps.audit.record(tx, actor, {
        action: 'sso_connection.created',
        targetType: 'sso_connection',
        targetId: connection.id,
        change: {
          after: {
            name: input.name,
            issuer: input.issuer,
            clientId: input.clientId,
            domains: connection.domains,
            jitEnabled: input.jitEnabled,
          },
        },
      });
      return connection;
    });
  }
}
