import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { verifyAuditChain, type ChainVerdict } from './audit.js';

export class AuditService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Recomputes the tenant's hash chain and reports the first broken link. */
  async verify(actor: ActorContext): Promise<ChainVerdict> {
    authorize(actor, 'audit:verify');
    return verifyAuditChain(this.deps.db.manager, actor.tenantId);
  }
}
