import { BrandingBody, type BrandingBody as BrandingBodyType } from '../contracts/settings.js';
import { Branding } from '../entities/index.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';

export interface BrandingState {
  senderEmail: string | null;
  senderName: string | null;
  loginNotice: string | null;
  updatedAt: Date | null;
}

const UNBRANDED: BrandingState = { senderEmail: null, senderName: null, loginNotice: null, updatedAt: null };

/** Seed 000 "Custom branding: Setting up custom sender email addresses or login notices". */
export class BrandingService {
  constructor(private readonly deps: ServiceDeps) {}

  async get(actor: ActorContext): Promise<BrandingState> {
    authorize(actor, 'settings:view');
    return (await this.deps.db.manager.findOneBy(Branding, { tenantId: actor.tenantId })) ?? UNBRANDED;
  }

  async update(actor: ActorContext, raw: BrandingBodyType): Promise<BrandingState> {
    const input = parseInput(BrandingBody, raw);
    authorize(actor, 'branding:edit');
    return this.deps.db.transaction(async (tx) => {
      const before = (await tx.findOneBy(Branding, { tenantId: actor.tenantId })) ?? UNBRANDED;
      // an empty notice is no notice
      const after = { ...input, loginNotice: input.loginNotice || null, updatedAt: this.deps.clock.now() };
      await tx.upsert(Branding, { tenantId: actor.tenantId, ...after }, ['tenantId']);
      await this.deps.audit.record(tx, actor, {
        action: 'branding.changed',
        targetType: 'branding',
        targetId: actor.tenantId,
        change: { before: view(before), after: view(after) },
      });
      return after;
    });
  }
}

const view = (b: BrandingState) => ({
  senderEmail: b.senderEmail,
  senderName: b.senderName,
  loginNotice: b.loginNotice,
});
