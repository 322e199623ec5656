// Seed 002 team credentials: names unique across the tenant, the secret sealed at rest and never
// returned; "Access" changes are team-admin only, "Domains" changes team admin or the creator.
import {
  CreateCredentialInput,
  ListObjectsQuery,
  ObjectAccessInput,
  SetCredentialDomainsInput,
  UpdateCredentialInput,
  type CredentialKind,
} from '../contracts/objects.js';
import { Credential } from '../entities/index.js';
import { newId } from '../crypto.js';
import { foldKey } from '../repositories/users.repository.js';
import { uniquely } from '../repositories/write.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { parseInput } from './parse.js';
import { accessView, replaceShares, sharesOf, type AppliedAccess } from './sharing.js';
import { creatorOf, definedFields, newestFirst, visibleTeam, type Page } from './team-object.js';
import { sharedRecords, TeamObjectStore } from './team-object-store.js';

/** A credential as services hand it out: the sealed secret is left behind. */
export interface CredentialRecord extends AppliedAccess {
  id: string;
  teamId: string;
  name: string;
  kind: CredentialKind;
  domains: string[];
  hasSecret: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const nameTaken = (name: string) => `A credential named "${name}" already exists in this tenant.`;

function record(c: Credential, sharedWithTeamIds: string[]): CredentialRecord {
  return {
    id: c.id,
    teamId: c.teamId,
    name: c.name,
    kind: c.kind as CredentialKind,
    domains: c.domains,
    sharing: c.sharing,
    sharedWithTeamIds,
    hasSecret: c.secretEncrypted !== null,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** What the audit log keeps of a credential: never the secret. */
const auditView = (c: Pick<Credential, 'name' | 'kind'>) => ({ name: c.name, kind: c.kind });

export class CredentialService {
  private readonly store: TeamObjectStore<Credential, CredentialRecord>;

  constructor(private readonly deps: ServiceDeps) {
    this.store = new TeamObjectStore(deps, {
      entity: Credential,
      alias: 'c',
      order: newestFirst('credentials', 'c'),
      notFound: { code: 'credential.not_found', message: 'No such credential.' },
      audit: { targetType: 'credential', deleted: 'credential.deleted' },
      present: sharedRecords('credential', record),
      shareType: 'credential',
    });
  }

  list(actor: ActorContext, teamId: string, raw: ListObjectsQuery): Promise<Page<CredentialRecord>> {
    return this.store.list(actor, teamId, raw, 'credential:read');
  }

  get(actor: ActorContext, teamId: string, credentialId: string): Promise<CredentialRecord> {
    return this.store.get(actor, teamId, credentialId, 'credential:read');
  }

  async create(actor: ActorContext, teamId: string, raw: CreateCredentialInput): Promise<CredentialRecord> {
    const input = parseInput(CreateCredentialInput, raw);
    return this.deps.db.transaction(async (tx) => {
      await visibleTeam(tx, actor, teamId);
      authorize(actor, 'credential:create', { teamId });
      // seed 002: where a credential may be used is the team admin's call, from its first version on
      if (input.access && input.access.sharing !== 'team')
        authorize(actor, 'credential:editAccess', { teamId });
      const now = this.deps.clock.now();
      const credential: Credential = {
        id: newId(),
        tenantId: actor.tenantId,
        teamId,
        name: input.name,
        nameKey: foldKey(input.name),
        kind: input.kind,
        sharing: input.access?.sharing ?? 'team',
        domains: [...new Set(input.domains)],
        secretEncrypted: this.deps.secrets.seal(input.secret),
        createdBy: creatorOf(actor),
        createdAt: now,
        updatedAt: now,
      };
      await uniquely(() => tx.insert(Credential, credential), 'credential.name_taken', nameTaken(input.name));
      const access = input.access
        ? await replaceShares(tx, this.deps.clock, { ...credential, type: 'credential' }, input.access)
        : { sharing: 'team' as const, sharedWithTeamIds: [] };
      await this.deps.audit.record(tx, actor, {
        action: 'credential.created',
        targetType: 'credential',
        targetId: credential.id,
        teamId,
        change: { after: { ...auditView(credential), domains: credential.domains, ...accessView(access) } },
      });
      return record(credential, access.sharedWithTeamIds);
    });
  }

  /** Name, kind and secret; the secret is replaced, never shown, and the audit only says it changed. */
  async update(
    actor: ActorContext,
    teamId: string,
    credentialId: string,
    raw: UpdateCredentialInput,
  ): Promise<CredentialRecord> {
    const input = definedFields(parseInput(UpdateCredentialInput, raw));
    return this.deps.db.transaction(async (tx) => {
      const credential = await this.store.findFor(tx, actor, teamId, credentialId, 'credential:edit');
      const now = this.deps.clock.now();
      const changes: Partial<Credential> = { updatedAt: now };
      if (input.name !== undefined)
        Object.assign(changes, { name: input.name, nameKey: foldKey(input.name) });
      if (input.kind !== undefined) changes.kind = input.kind;
      if (input.secret !== undefined) changes.secretEncrypted = this.deps.secrets.seal(input.secret);
      await uniquely(
        () => tx.update(Credential, { id: credential.id }, changes),
        'credential.name_taken',
        nameTaken(input.name ?? credential.name),
      );
      const updated = { ...credential, ...changes };
      await this.deps.audit.record(tx, actor, {
        action: 'credential.updated',
        targetType: 'credential',
        targetId: credential.id,
        teamId,
        change: {
          before: auditView(credential),
          after: auditView(updated),
          ...(input.secret !== undefined ? { secretReplaced: true } : {}),
        },
      });
      return this.store.present(tx, updated);
    });
  }

  /** Seed 002: "Domains … changes are restricted to Team Admin or the credential creator". */
  async setDomains(
    actor: ActorContext,
    teamId: string,
    credentialId: string,
    raw: SetCredentialDomainsInput,
  ): Promise<CredentialRecord> {
    const domains = [...new Set(parseInput(SetCredentialDomainsInput, raw).domains)];
    return this.deps.db.transaction(async (tx) => {
      const credential = await this.store.findFor(tx, actor, teamId, credentialId, 'credential:editDomains');
      const updatedAt = this.deps.clock.now();
      await tx.update(Credential, { id: credential.id }, { domains, updatedAt });
      await this.deps.audit.record(tx, actor, {
        action: 'credential.domains_changed',
        targetType: 'credential',
        targetId: credential.id,
        teamId,
        change: { before: { domains: credential.domains }, after: { domains } },
      });
      return this.store.present(tx, { ...credential, domains, updatedAt });
    });
  }

  /** Seed 002: "Access (control where the credential can be used): changes are restricted to Team Admin". */
  async setAccess(
    actor: ActorContext,
    teamId: string,
    credentialId: string,
    raw: ObjectAccessInput,
  ): Promise<CredentialRecord> {
    const access = parseInput(ObjectAccessInput, raw);
    return this.deps.db.transaction(async (tx) => {
      const credential = await this.store.findFor(tx, actor, teamId, credentialId, 'credential:editAccess');
      const before =
        (await sharesOf(tx, actor.tenantId, 'credential', [credential.id])).get(credential.id) ?? [];
      const applied = await replaceShares(tx, this.deps.clock, { ...credential, type: 'credential' }, access);
      const updatedAt = this.deps.clock.now();
      await tx.update(Credential, { id: credential.id }, { sharing: applied.sharing, updatedAt });
      await this.deps.audit.record(tx, actor, {
        action: 'credential.access_changed',
        targetType: 'credential',
        targetId: credential.id,
        teamId,
        change: {
          before: accessView({ sharing: credential.sharing, sharedWithTeamIds: before }),
          after: accessView(applied),
        },
      });
      return record({ ...credential, sharing: applied.sharing, updatedAt }, applied.sharedWithTeamIds);
    });
  }

  /** Seed 002: deleting is a destructive action, for team admins. */
  delete(actor: ActorContext, teamId: string, credentialId: string): Promise<void> {
    return this.store.delete(actor, teamId, credentialId, 'credential:delete', (c) => ({
      ...auditView(c),
      sharing: c.sharing,
    }));
  }
}
