// SCIM provisioning use cases (issue 4): the identity provider's token acts as a tenant-scoped
// provisioning actor, through the same authorization, invariants and audit as people do.
// Each method is one transaction: lock → precondition → write → side effects → audit.
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../database.js';
import { Group, GroupMapping, GroupMember, Team, TeamMembership, User } from '../entities/index.js';
import { newId } from '../crypto.js';
import { Conflict, PreconditionFailed } from '../errors.js';
import { forUpdate } from '../repositories/lock.js';
import { createDraftsSpaces } from '../repositories/teams.repository.js';
import { countOtherActiveOwners, revokeUserSessions } from '../repositories/users.repository.js';
import { rawRows } from '../repositories/positional.js';
import { insertRowsUnlessTaken, updateColumns } from '../repositories/write.js';
import { lockTenantRow } from '../repositories/tenants.repository.js';
import { touchGroups } from '../repositories/groups.repository.js';
import { groupNotFound, scimInvalid, userNotFound } from '../scim/errors.js';
import {
  groupColumns,
  groupDoc,
  planMembers,
  replacingPlan,
  type GroupColumns,
  type MemberPlan,
} from '../scim/groups.js';
import { applyPatch } from '../scim/patch/apply.js';
import type { CanonicalOp } from '../scim/patch/normalize.js';
import {
  addMembers,
  removeAllMembers,
  removeMembers,
  replaceMembers,
  unknownUsers,
} from '../scim/repository/members.js';
import {
  groupsOf,
  listGroups,
  listUsers,
  membersOf,
  membersWithin,
  ListCaches,
  type ListedMembers,
  type ListQuery,
  type MemberRef,
  type Page,
} from '../scim/repository/queries.js';
import { groupById, lockedGroup, userById, type ScimUserRow } from '../scim/repository/reads.js';
import { RESOURCE_TYPES } from '../scim/schemas.js';
import {
  redactedPayload,
  shortDiff,
  storedAttributes,
  userColumns,
  userDoc,
  type UserColumns,
} from '../scim/users.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { GroupCommit, outcome, type Outcome } from './group-commit.js';
import {
  auditMappedRoleChanges,
  recomputeMappedRoles,
  type MappedRoleChange,
} from './group-mapping.service.js';

type Json = Record<string, unknown>;

/** `*`, or the versions an If-Match header accepts (RFC 7644 §3.14). */
export type IfMatch = '*' | number[];

export interface Provisioned<T> {
  resource: T;
  /** What changed, attribute → [before, after], for the provisioning log. */
  changes: Record<string, unknown>;
  /** Set when this change ended the user's access: their sessions were revoked in the same transaction. */
  deprovisioned?: { sessionsRevoked: number };
}

/** A group's membership change as the log and audit describe it (ids truncated). */
const SAMPLE = 50;

/** A validated POST /Users, waiting for its batch. */
interface NewUser {
  actor: ActorContext;
  doc: Json;
  columns: UserColumns;
  body: unknown;
}

export class ProvisioningService {
  private readonly lists = new ListCaches();
  private readonly creates: GroupCommit<NewUser, Provisioned<User>>;

  constructor(private readonly deps: ServiceDeps) {
    // On PostgreSQL a second batch of a tenant runs while the first commits: its inserts overlap the
    // first's head lock, audit append and COMMIT, where the gateway otherwise sat idle (it used 0.75
    // of a core at 32 connections, 0.86 with two in flight). SQLite runs one transaction at a time
    // anyway, so a second batch would only be smaller.
    this.creates = new GroupCommit((tenantId, items) => this.createUsers(tenantId, items), {
      inFlight: deps.db.dialect === 'postgres' ? 2 : 1,
    });
  }

  // ---- Users -------------------------------------------------------------------------------

  async getUser(actor: ActorContext, id: string): Promise<ScimUserRow> {
    authorize(actor, 'user:provision');
    const user = await userById(this.deps.db, actor.tenantId, id);
    if (!user) throw userNotFound(id);
    return user;
  }

  async listUsers(actor: ActorContext, query: ListQuery): Promise<Page<ScimUserRow>> {
    authorize(actor, 'user:provision');
    return listUsers(this.deps.db, actor.tenantId, query, this.lists);
  }

  /** The groups of each user (RFC 7643 `groups`, returned on request), in one query. */
  async groupsOfUsers(actor: ActorContext, userIds: string[]): Promise<Map<string, MemberRef[]>> {
    authorize(actor, 'user:provision');
    return groupsOf(this.deps.db.manager, actor.tenantId, userIds);
  }

  /**
   * POST /Users: a tenant member whose source is `scim`, with a drafts space like every user.
   * Concurrent creates of one tenant are committed together (`createUsers`); each caller still gets
   * exactly what its create alone would have given it.
   */
  async createUser(actor: ActorContext, resource: Json, body: unknown): Promise<Provisioned<User>> {
    authorize(actor, 'user:provision');
    const { doc, columns } = userColumns(resource);
    return this.creates.submit(actor.tenantId, { actor, doc, columns, body });
  }

  /**
   * One batch of a tenant's creates in one transaction, one INSERT per table and one audit append.
   * If the transaction fails (the replicas deadlocked on their unique indexes, or any error no item
   * can be blamed for), each item runs alone, so an item's failure is its own answer and never its
   * batch-mates'.
   */
  private async createUsers(tenantId: string, items: NewUser[]): Promise<Array<Outcome<Provisioned<User>>>> {
    const batch = await outcome(this.write({ tenantId }, (tx) => this.insertUsers(tx, tenantId, items)));
    if (batch.ok) {
      const made = batch.value.filter((o) => o.ok).length;
      // Each new user comes with its drafts space, a team.
      for (const table of [User, Team]) this.deps.db.noteInserted(table, made);
      return batch.value;
    }
    if (items.length === 1) return [batch];
    const outcomes: Array<Outcome<Provisioned<User>>> = [];
    for (const item of items) outcomes.push(...(await this.createUsers(tenantId, [item])));
    return outcomes;
  }

  /**
   * The unique indexes decide (never check-then-insert): a user whose userName, email or externalId
   * is taken, by a stored user or an earlier one of the batch, is skipped by the INSERT, and answered
   * with the attribute its insert alone would have collided on.
   */
  private async insertUsers(
    tx: EntityManager,
    tenantId: string,
    items: NewUser[],
  ): Promise<Array<Outcome<Provisioned<User>>>> {
    const rows = items.map((item) => ({ item, user: this.newUser(tx, item) }));
    const written = new Set(
      await insertRowsUnlessTaken(
        tx,
        User,
        rows.map((r) => r.user),
      ),
    );
    const accepted = rows.filter((r) => written.has(r.user));
    await this.furnishUsers(tx, tenantId, accepted);
    const collided = accepted.length < rows.length ? await collisions(tx, tenantId, rows, written) : null;
    return rows.map(({ item, user }): Outcome<Provisioned<User>> => {
      if (written.has(user)) return { ok: true, value: created(item, user) };
      return { ok: false, error: uniquenessConflict(collided?.get(item) ?? 'value', item.columns) };
    });
  }

  private newUser(tx: EntityManager, { actor, doc, columns, body }: NewUser): User {
    const now = this.deps.clock.now();
    return tx.create(User, {
      id: newId(),
      tenantId: actor.tenantId,
      ...columns,
      tenantRole: 'member',
      mappedTenantRole: null,
      source: 'scim',
      activatedAt: now,
      lastSignInAt: null,
      removedAt: null,
      scimAttributes: storedAttributes(doc),
      lastScimPayload: redactedPayload(body),
      lastSyncedAt: now,
      mfaSecretEncrypted: null,
      mfaEnabledAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** What every new user gets with its row: a drafts space, and its audit record (in arrival order). */
  private async furnishUsers(
    tx: EntityManager,
    tenantId: string,
    users: Array<{ item: NewUser; user: User }>,
  ): Promise<void> {
    await createDraftsSpaces(
      tx,
      tenantId,
      users.map((u) => u.user.id),
      this.deps.clock,
    );
    await this.deps.audit.recordMany(
      tx,
      tenantId,
      users.map(({ item, user }) => ({
        actor: item.actor,
        entry: {
          action: 'user.provisioned',
          targetType: 'user',
          targetId: user.id,
          change: { after: auditView(item.columns) },
        },
      })),
    );
  }

  /** PUT /Users/:id replaces every writable attribute (RFC 7644 §3.5.1). */
  async replaceUser(
    actor: ActorContext,
    id: string,
    resource: Json,
    body: unknown,
    ifMatch?: IfMatch,
  ): Promise<Provisioned<User>> {
    authorize(actor, 'user:provision');
    return this.write(actor, async (tx) => {
      const user = await this.lockLiveUser(tx, actor, id, ifMatch);
      // An absent `active` keeps the account as it is: only an explicit false deprovisions.
      const next = 'active' in resource ? resource : { ...resource, active: user.active };
      return this.saveUser(tx, actor, user, next, body);
    });
  }

  /** PATCH /Users/:id with operations from `normalizePatch`. */
  async patchUser(
    actor: ActorContext,
    id: string,
    ops: CanonicalOp[],
    body: unknown,
    ifMatch?: IfMatch,
  ): Promise<Provisioned<User>> {
    authorize(actor, 'user:provision');
    return this.write(actor, async (tx) => {
      const user = await this.lockLiveUser(tx, actor, id, ifMatch);
      const next = applyPatch(userDoc(user), ops, { type: RESOURCE_TYPES.User, id: user.id });
      return this.saveUser(tx, actor, user, next, body);
    });
  }

  /**
   * DELETE /Users/:id: the account leaves the tenant (row kept for the audit trail, userName,
   * email and externalId freed), its sessions end and its team places go. A team's last-member rule
   * does not hold the IdP back: deprovisioning wins, and the audit record names the teams it emptied.
   */
  async deleteUser(actor: ActorContext, id: string, ifMatch?: IfMatch): Promise<Provisioned<null>> {
    authorize(actor, 'user:provision');
    return this.write(actor, async (tx) => {
      // Before the user's row, as group writes lock it (touchGroups): the removal moves the
      // versions of the user's groups, and a group write adding this user holds the group while it
      // waits for the user.
      await lockTenantRow(tx, actor.tenantId);
      const user = await this.lockLiveUser(tx, actor, id, ifMatch);
      const now = this.deps.clock.now();
      const lastOwner = await this.isLastOwner(tx, user);
      const lastMemberOf = await soleMemberTeams(tx, user);
      await updateColumns(
        tx,
        User,
        { tenantId: user.tenantId, id: user.id },
        {
          removedAt: now,
          active: false,
          emailKey: null,
          userNameKey: null,
          externalId: null,
          updatedAt: now,
          version: user.version + 1,
        },
      );
      const sessionsRevoked = await revokeUserSessions(
        tx,
        user.tenantId,
        user.id,
        'deprovisioned',
        this.deps.clock,
      );
      await tx.delete(TeamMembership, { tenantId: user.tenantId, userId: user.id });
      await touchGroups(tx, user.tenantId, { memberId: user.id }, now);
      await tx.delete(GroupMember, { tenantId: user.tenantId, userId: user.id });
      await this.deps.audit.record(tx, actor, {
        action: 'user.deprovisioned',
        targetType: 'user',
        targetId: user.id,
        change: {
          before: auditView(user),
          sessionsRevoked,
          ...(lastMemberOf.length ? { lastMemberOf } : {}),
          ...(lastOwner ? { lastOwner } : {}),
        },
      });
      return {
        resource: null,
        changes: { removed: [user.userName, null] },
        deprovisioned: { sessionsRevoked },
      };
    });
  }

  /** One transaction; once it commits, this replica's listing caches of the tenant are stale. */
  private async write<T>(scope: { tenantId: string }, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.deps.db.transaction(work);
    this.lists.forget(scope.tenantId);
    return result;
  }

  private async lockLiveUser(
    tx: EntityManager,
    actor: ActorContext,
    id: string,
    ifMatch?: IfMatch,
  ): Promise<User> {
    const user = await forUpdate(
      tx,
      tx
        .createQueryBuilder(User, 'u')
        .where('u.tenant_id = :tenantId AND u.id = :id AND u.user_name_key IS NOT NULL', {
          tenantId: actor.tenantId,
          id,
        }),
    ).getOne();
    if (!user) throw userNotFound(id);
    checkVersion(user.version, ifMatch);
    return user;
  }

  /** Writes a user's new SCIM document; `active` false ends every session in this transaction. */
  private async saveUser(
    tx: EntityManager,
    actor: ActorContext,
    user: User,
    next: Json,
    body: unknown,
  ): Promise<Provisioned<User>> {
    const before = storedAttributes(userDoc(user));
    const { doc, columns } = userColumns(next);
    const after = storedAttributes(doc);
    const changes = shortDiff(before, after);
    // Entra and Okta resend unchanged attributes on every cycle: nothing changed, nothing written.
    if (Object.keys(changes).length === 0) return { resource: user, changes };
    const now = this.deps.clock.now();
    const updated: User = {
      ...user,
      ...columns,
      scimAttributes: after,
      lastScimPayload: redactedPayload(body),
      lastSyncedAt: now,
      updatedAt: now,
      version: user.version + 1,
    };
    await uniqueOrConflict(
      () =>
        updateColumns(
          tx,
          User,
          { tenantId: user.tenantId, id: user.id },
          {
            ...columns,
            scimAttributes: after,
            lastScimPayload: updated.lastScimPayload,
            lastSyncedAt: now,
            updatedAt: now,
            version: updated.version,
          },
        ),
      columns,
    );
    // The name the user's groups show for this member (`display`, membersOf).
    if ((columns.displayName ?? columns.userName) !== (user.displayName ?? user.userName)) {
      await touchGroups(tx, user.tenantId, { memberId: user.id }, now, { skipLocked: true });
    }
    const deactivated = user.active && !columns.active;
    const sessionsRevoked = deactivated
      ? await revokeUserSessions(tx, user.tenantId, user.id, 'deactivated', this.deps.clock)
      : 0;
    const lastOwner = deactivated && (await this.isLastOwner(tx, user));
    await this.deps.audit.record(tx, actor, {
      action: deactivated
        ? 'user.deactivated'
        : !user.active && columns.active
          ? 'user.reactivated'
          : 'user.synced',
      targetType: 'user',
      targetId: user.id,
      change: {
        before: auditView(user),
        after: auditView(columns),
        attributes: Object.keys(changes),
        ...(deactivated ? { sessionsRevoked } : {}),
        ...(lastOwner ? { lastOwner } : {}),
      },
    });
    const result: Provisioned<User> = { resource: updated, changes };
    if (deactivated) result.deprovisioned = { sessionsRevoked };
    return result;
  }

  /** The IdP may deprovision the last owner (a departed person must lose access); the audit says so. */
  private async isLastOwner(tx: EntityManager, user: User): Promise<boolean> {
    if (user.tenantRole !== 'owner') return false;
    return (await countOtherActiveOwners(tx, user.tenantId, user.id)) === 0;
  }

  // ---- Groups ------------------------------------------------------------------------------

  async getGroup(actor: ActorContext, id: string): Promise<Group> {
    authorize(actor, 'group:provision');
    const group = await groupById(this.deps.db, actor.tenantId, id);
    if (!group) throw groupNotFound(id);
    return group;
  }

  async listGroups(actor: ActorContext, query: ListQuery): Promise<Page<Group>> {
    authorize(actor, 'group:provision');
    return listGroups(this.deps.db, actor.tenantId, query, this.lists);
  }

  /** Members of each group (only when a response asks for them), in one query. */
  async membersOfGroups(actor: ActorContext, groupIds: string[]): Promise<Map<string, MemberRef[]>> {
    authorize(actor, 'group:provision');
    return membersOf(this.deps.db.manager, actor.tenantId, groupIds);
  }

  /** Members of a listing's groups within `budget` entries, and how many leading groups keep them (`membersWithin`). */
  async membersOfListedGroups(
    actor: ActorContext,
    groupIds: string[],
    budget: number,
  ): Promise<ListedMembers> {
    authorize(actor, 'group:provision');
    return membersWithin(this.deps.db.manager, actor.tenantId, groupIds, budget);
  }

  /** POST /Groups; members sent with it (Okta) are added, never ignored. */
  async createGroup(
    actor: ActorContext,
    resource: Json,
    members: string[],
    body: unknown,
  ): Promise<Provisioned<Group>> {
    authorize(actor, 'group:provision');
    const columns = groupColumns(resource);
    return this.write(actor, async (tx) => {
      const now = this.deps.clock.now();
      const group = tx.create(Group, {
        id: newId(),
        tenantId: actor.tenantId,
        ...columns,
        lastScimPayload: redactedPayload(body),
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await uniqueOrConflict(() => tx.insert(Group, group), columns);
      const { added, unknown } = await addMembers(tx, actor.tenantId, group.id, members, now);
      refuseUnknownUsers(unknown);
      await this.deps.audit.record(tx, actor, {
        action: 'group.created',
        targetType: 'group',
        targetId: group.id,
        change: { after: { displayName: columns.displayName, members: added.length } },
      });
      return {
        resource: group,
        changes: { displayName: [null, columns.displayName], ...memberDiff(added, []) },
      };
    });
  }

  /** PUT /Groups/:id: name, externalId and the whole member list (Okta). */
  async replaceGroup(
    actor: ActorContext,
    id: string,
    resource: Json,
    members: string[],
    body: unknown,
    ifMatch?: IfMatch,
  ): Promise<Provisioned<Group>> {
    authorize(actor, 'group:provision');
    const columns = groupColumns(resource);
    return this.write(actor, async (tx) => {
      const locked = await this.lockGroup(tx, actor, id, ifMatch);
      return this.saveGroup(tx, actor, locked, columns, replacingPlan(members), body);
    });
  }

  /** PATCH /Groups/:id: attribute operations on the group, set operations on its member rows. */
  async patchGroup(
    actor: ActorContext,
    id: string,
    ops: CanonicalOp[],
    body: unknown,
    ifMatch?: IfMatch,
  ): Promise<Provisioned<Group>> {
    authorize(actor, 'group:provision');
    const memberOps = ops.filter((o) => o.path.path.attr === 'members' && o.path.path.uri === undefined);
    const attrOps = ops.filter((o) => !memberOps.includes(o));
    const plan = planMembers(memberOps);
    return this.write(actor, async (tx) => {
      const locked = await this.lockGroup(tx, actor, id, ifMatch);
      const { group } = locked;
      // Most group PATCHes change members alone: no attribute to apply.
      const doc = attrOps.length
        ? applyPatch(groupDoc(group), attrOps, { type: RESOURCE_TYPES.Group, id: group.id })
        : groupDoc(group);
      return this.saveGroup(tx, actor, locked, groupColumns(doc), plan, body);
    });
  }

  /** DELETE /Groups/:id; the grants its mappings gave are revoked in the same transaction. */
  async deleteGroup(actor: ActorContext, id: string, ifMatch?: IfMatch): Promise<Provisioned<null>> {
    authorize(actor, 'group:provision');
    return this.write(actor, async (tx) => {
      const { group, mapped } = await this.lockGroup(tx, actor, id, ifMatch);
      const mappings = mapped
        ? await tx.find(GroupMapping, { where: { tenantId: actor.tenantId, groupId: group.id } })
        : [];
      const members = await removeAllMembers(tx, actor.tenantId, group.id, { lockLeaving: mapped });
      if (mapped) await tx.delete(GroupMapping, { tenantId: actor.tenantId, groupId: group.id });
      await tx.delete(Group, { id: group.id });
      const roles = mappings.length
        ? await recomputeMappedRoles(tx, actor.tenantId, members, this.deps.clock)
        : [];
      await this.deps.audit.record(tx, actor, {
        action: 'group.deleted',
        targetType: 'group',
        targetId: group.id,
        change: {
          before: { displayName: group.displayName, members: members.length },
          ...(mappings.length ? { mappingsRemoved: mappings.map((m) => m.id) } : {}),
        },
      });
      await auditMappedRoleChanges(tx, this.deps.audit, actor, roles, {
        groupId: group.id,
        action: 'group.deleted',
      });
      const changes: Record<string, unknown> = {
        removed: [group.displayName, null],
        members: [members.length, 0],
      };
      if (roles.length) changes['mappedRoles'] = roleSummary(roles);
      return { resource: null, changes };
    });
  }

  /** The group and its tenant locked (`lockedGroup`), its version checked against `If-Match`. */
  private async lockGroup(
    tx: EntityManager,
    actor: ActorContext,
    id: string,
    ifMatch?: IfMatch,
  ): Promise<LockedGroup> {
    const locked = await lockedGroup(tx, actor.tenantId, id);
    if (!locked) throw groupNotFound(id);
    checkVersion(locked.group.version, ifMatch);
    return locked;
  }

  private async saveGroup(
    tx: EntityManager,
    actor: ActorContext,
    { group, mapped }: LockedGroup,
    columns: GroupColumns,
    plan: MemberPlan,
    body: unknown,
  ): Promise<Provisioned<Group>> {
    const now = this.deps.clock.now();
    const { added, removed } = await this.applyPlan(tx, actor.tenantId, group.id, plan, now, mapped);
    const renamed = columns.displayName !== group.displayName || columns.externalId !== group.externalId;
    const changes: Record<string, unknown> = { ...memberDiff(added, removed) };
    if (columns.displayName !== group.displayName)
      changes['displayName'] = [group.displayName, columns.displayName];
    if (columns.externalId !== group.externalId)
      changes['externalId'] = [group.externalId, columns.externalId];
    if (!renamed && added.length === 0 && removed.length === 0) return { resource: group, changes };
    const updated: Group = {
      ...group,
      ...columns,
      lastScimPayload: redactedPayload(body),
      updatedAt: now,
      version: group.version + 1,
    };
    await uniqueOrConflict(
      () =>
        updateColumns(
          tx,
          Group,
          { tenantId: group.tenantId, id: group.id },
          { ...columns, lastScimPayload: updated.lastScimPayload, updatedAt: now, version: updated.version },
        ),
      columns,
    );
    // Only the users whose membership changed can have gained or lost a mapped role.
    const roles =
      mapped && (added.length || removed.length)
        ? await recomputeMappedRoles(tx, actor.tenantId, [...added, ...removed], this.deps.clock)
        : [];
    await this.deps.audit.record(tx, actor, {
      action: renamed ? 'group.updated' : 'group.members_changed',
      targetType: 'group',
      targetId: group.id,
      change: {
        ...(renamed ? { before: groupDoc(group), after: groupDoc(columns) } : {}),
        ...(added.length ? { added: added.length, addedIds: added.slice(0, SAMPLE) } : {}),
        ...(removed.length ? { removed: removed.length, removedIds: removed.slice(0, SAMPLE) } : {}),
      },
    });
    await auditMappedRoleChanges(tx, this.deps.audit, actor, roles, {
      groupId: group.id,
      action: 'group.members_changed',
    });
    if (roles.length) changes['mappedRoles'] = roleSummary(roles);
    return { resource: updated, changes };
  }

  /**
   * Removals, then additions, one statement each; the plan's sets are disjoint, so their order
   * changes nothing but the locks. Unknown ids are refused before a filtered removal that missed its
   * member (the order of the answers when ids were checked before any write); either error rolls the
   * transaction back, writes included. A mapped group locks the users it removes before deleting
   * their rows (`lockLeavingUsers`), as it locks the users it adds.
   */
  private async applyPlan(
    tx: EntityManager,
    tenantId: string,
    groupId: string,
    plan: MemberPlan,
    now: Date,
    mapped: boolean,
  ): Promise<{ added: string[]; removed: string[] }> {
    if (plan.mustBeUsers.size) refuseUnknownUsers(await unknownUsers(tx, tenantId, [...plan.mustBeUsers]));
    const leaving = { lockLeaving: mapped };
    let added: string[];
    let removed: string[];
    if (plan.replace) {
      const replaced = await replaceMembers(tx, tenantId, groupId, plan.replace, now, leaving);
      refuseUnknownUsers(replaced.unknown);
      ({ added, removed } = replaced);
    } else {
      removed = plan.remove.size ? await removeMembers(tx, tenantId, groupId, [...plan.remove], leaving) : [];
      const adding = plan.add.size
        ? await addMembers(tx, tenantId, groupId, [...plan.add], now)
        : { added: [], unknown: [] };
      refuseUnknownUsers(adding.unknown);
      added = adding.added;
    }
    // A filtered removal's member was there before the PATCH if the write removed it, or, when a later
    // operation added it back, if the write did not have to insert it.
    const stays = new Set(plan.replace ?? plan.add);
    const inserted = new Set(added);
    const deleted = new Set(removed);
    const missing = [...plan.mustExist].filter((id) => (stays.has(id) ? inserted.has(id) : !deleted.has(id)));
    if (missing.length) {
      throw scimInvalid('noTarget', `Not a member of this group: ${missing.slice(0, 5).join(', ')}.`, {
        missing,
      });
    }
    return { added, removed };
  }
}

/** A group locked for a write, and whether a group mapping names it. */
interface LockedGroup {
  group: Group;
  mapped: boolean;
}

/** Members must be live users of the tenant; another tenant's id is as unknown as a made-up one. */
function refuseUnknownUsers(unknown: string[]): void {
  if (unknown.length === 0) return;
  throw scimInvalid('invalidValue', `No such user: ${unknown.slice(0, 5).join(', ')}.`, {
    unknown: unknown.slice(0, 100),
  });
}

/** RFC 7232 §3.1: a precondition naming another version (or none) is a 412. */
export function checkVersion(version: number, ifMatch: IfMatch | undefined): void {
  if (ifMatch === undefined || ifMatch === '*' || ifMatch.includes(version)) return;
  throw new PreconditionFailed('scim.version_mismatch', `The resource is at version W/"${version}".`, {
    currentVersion: version,
  });
}

const auditView = (u: Pick<UserColumns, 'userName' | 'email' | 'active' | 'externalId'>) => ({
  userName: u.userName,
  email: u.email,
  active: u.active,
  externalId: u.externalId,
});

function memberDiff(added: string[], removed: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (added.length) out['members.added'] = added.slice(0, SAMPLE);
  if (removed.length) out['members.removed'] = removed.slice(0, SAMPLE);
  return out;
}

/** Mapped role changes for the provisioning log: who gained or lost what. */
function roleSummary(roles: MappedRoleChange[]): string[] {
  return roles
    .slice(0, SAMPLE)
    .map(
      (c) =>
        `${c.userId} ${c.scope === 'team' ? `team ${c.teamId}` : 'tenant'}: ${c.mappedBefore ?? '-'} → ${c.mappedAfter ?? '-'}`,
    );
}

/** Teams (not drafts) where the user is the only member: the IdP's delete empties them. */
async function soleMemberTeams(tx: EntityManager, user: User): Promise<string[]> {
  const rows = await rawRows<{ team_id: string }>(
    tx,
    `SELECT m.team_id FROM team_memberships m JOIN teams t ON t.id = m.team_id AND t.kind = 'team'
      WHERE m.tenant_id = :tenantId AND m.user_id = :userId
        AND NOT EXISTS (SELECT 1 FROM team_memberships o WHERE o.team_id = m.team_id AND o.user_id <> m.user_id)`,
    { tenantId: user.tenantId, userId: user.id },
  );
  return rows.map((r) => r.team_id);
}

type UniqueAttribute = 'userName' | 'email' | 'externalId' | 'displayName' | 'value';

/** A unique-index violation, named after the attribute that collided (scimType uniqueness, RFC 7644 §3.3). */
async function uniqueOrConflict<T>(
  write: () => Promise<T>,
  values: Partial<UserColumns> | Partial<GroupColumns>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const driver = (err as { driverError?: { constraint?: string; message?: string } }).driverError;
    const text = `${driver?.constraint ?? ''} ${driver?.message ?? ''} ${(err as Error).message}`;
    const field = /user_name/.test(text)
      ? 'userName'
      : /email/.test(text)
        ? 'email'
        : /external_id/.test(text)
          ? 'externalId'
          : /display_name/.test(text)
            ? 'displayName'
            : 'value';
    throw uniquenessConflict(field, values);
  }
}

function uniquenessConflict(
  field: UniqueAttribute,
  values: Partial<UserColumns> | Partial<GroupColumns>,
): Conflict {
  const value = (values as Record<string, unknown>)[field];
  return new Conflict(
    `scim.${field}_taken`,
    `${field} ${value === undefined ? '' : `"${String(value)}" `}is already used by another resource in this tenant.`,
    { scimType: 'uniqueness', attribute: field },
  );
}

/**
 * The unique user attributes in the order both databases check their indexes on insert (the order
 * the initial migration created them): a user colliding on several is answered with the first, as a
 * plain INSERT's violation would name it.
 */
const USER_UNIQUE_ORDER = ['externalId', 'email', 'userName'] as const;

/**
 * The attribute each skipped user collided on, as its lone insert would have named it: the stored
 * users holding a skipped user's keys (one query), then the batch's written users in arrival order.
 */
async function collisions(
  tx: EntityManager,
  tenantId: string,
  rows: Array<{ item: NewUser; user: User }>,
  written: Set<User>,
): Promise<Map<NewUser, UniqueAttribute>> {
  const keysOf = ({ columns }: NewUser) => ({
    externalId: columns.externalId,
    email: columns.emailKey,
    userName: columns.userNameKey,
  });
  const skipped = rows.filter((r) => !written.has(r.user)).map((r) => keysOf(r.item));
  const userNames = skipped.flatMap((k) => k.userName ?? []);
  const emails = skipped.flatMap((k) => k.email ?? []);
  const externalIds = skipped.flatMap((k) => k.externalId ?? []);
  // One SELECT per unique index, each searched by (tenant_id, key): given one WHERE with ORs, SQLite's
  // planner scans the tenant instead.
  const lookups = ['user_name_key IN (:...userNames)'];
  if (emails.length) lookups.push('email_key IN (:...emails)');
  if (externalIds.length) lookups.push('external_id IN (:...externalIds)');
  const stored = await rawRows<{
    id: string;
    user_name_key: string | null;
    email_key: string | null;
    external_id: string | null;
  }>(
    tx,
    lookups
      .map(
        (match) =>
          `SELECT id, user_name_key, email_key, external_id FROM users WHERE tenant_id = :tenantId AND ${match}`,
      )
      .join(' UNION ALL '),
    { tenantId, userNames, emails, externalIds },
  );
  const ours = new Set([...written].map((u) => u.id));
  const before = stored.filter((r) => !ours.has(r.id));
  const taken = {
    externalId: new Set(before.map((r) => r.external_id)),
    email: new Set(before.map((r) => r.email_key)),
    userName: new Set(before.map((r) => r.user_name_key)),
  };
  const collided = new Map<NewUser, UniqueAttribute>();
  for (const { item, user } of rows) {
    const keys = keysOf(item);
    if (written.has(user)) {
      for (const f of USER_UNIQUE_ORDER) if (keys[f] !== null) taken[f].add(keys[f]);
    } else {
      const field = USER_UNIQUE_ORDER.find((f) => keys[f] !== null && taken[f].has(keys[f]));
      if (field) collided.set(item, field);
    }
  }
  return collided;
}

const created = (item: NewUser, user: User): Provisioned<User> => ({
  resource: user,
  changes: shortDiff({}, storedAttributes(item.doc)),
});
