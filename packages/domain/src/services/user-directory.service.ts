// The admin API's view of accounts (seed 000 "User management", seed 001 "Management → Users"):
// list and search, one account with its teams, profile edits, and the account changes of
// UserService answered with the account as the directory shows it.
import { In, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import {
  ListUsersQuery,
  UpdateUserProfileInput,
  type ListUsersQuery as ListUsersQueryInput,
  type UpdateUserProfileInput as UpdateUserProfileInputType,
} from '../contracts/users.js';
import type { ChangeTenantRoleInput, InviteUserInput } from '../contracts/inputs.js';
import type { UserStatus } from '../contracts/enums.js';
import { lowerCase } from '../case-fold.js';
import { Invitation, OutboxMessage, Team, TeamMembership, User } from '../entities/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import { can, type TeamRole, type TenantRole } from '../permissions/index.js';
import { getTeam } from '../repositories/teams.repository.js';
import { getUser, lockUser } from '../repositories/users.repository.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { openInvitation } from './invitations.js';
import type { Mailer, MailService } from './mail.service.js';
import { parseInput } from './parse.js';
import { effectiveTenantRole, highestTeamRole } from './roles.js';
import {
  definedFields,
  keyset,
  likePattern,
  nullableKeysetRows,
  toPage,
  type KeysetOrder,
  type Page,
} from './team-object.js';
import type { UserAccessService } from './user-access.service.js';
import { userStatus, type UserService } from './user.service.js';

/** An account as the directory lists it. */
export interface DirectoryUser {
  user: User;
  status: Exclude<UserStatus, 'removed'>;
  tenantRole: TenantRole;
  /** SCIM-provisioned: the identity provider owns the profile fields. */
  managedByIdp: boolean;
  invitation: (Invitation & { expired: boolean }) | null;
}

export interface DirectoryUserDetail extends DirectoryUser {
  teams: Array<{
    teamId: string;
    teamName: string;
    role: TeamRole;
    manualRole: TeamRole | null;
    mappedRole: TeamRole | null;
  }>;
}

/** Where the invitation email went: accepted by SMTP, or waiting in the tenant's outbox. */
export interface InvitationEmail {
  emailSent: boolean;
  emailTransport: Mailer['transport'];
}

export interface InvitationOutcome extends InvitationEmail {
  entry: DirectoryUser;
  invitation: Invitation & { expired: boolean };
}

/** Where links in mail point: the gateway's public address. */
export interface Links {
  publicUrl: string;
}

/**
 * Mails the acceptance link of an invitation just issued. The token travels only in the email
 * (the API never returns it); whether SMTP took the message is read back from its outbox row.
 */
export async function mailInvitation(
  deps: Pick<ServiceDeps, 'db'>,
  mail: MailService,
  invitation: { tenantId: string; email: string; token: string },
  links: Links,
): Promise<InvitationEmail> {
  const message = await mail.sendInvitation(invitation.tenantId, invitation, links);
  const stored = await deps.db.manager.findOneBy(OutboxMessage, { id: message.id });
  return { emailSent: stored?.sentAt != null, emailTransport: mail.transport };
}

function describe(user: User, invitation: Invitation | null, now: Date): DirectoryUser {
  const status = userStatus(user);
  // the directory never lists removed accounts: getUser and the list query leave them out
  if (status === 'removed') throw new NotFound('user.not_found', 'No such user.');
  return {
    user,
    status,
    tenantRole: effectiveTenantRole(user),
    managedByIdp: user.source === 'scim',
    invitation: invitation && status === 'invited' ? withExpiry(invitation, now) : null,
  };
}

const withExpiry = (invitation: Invitation, now: Date) => ({
  ...invitation,
  expired: invitation.expiresAt <= now,
});

/** The target of a user:* action: the account's effective role, so a mapped manager is a manager. */
const targetOf = (user: User) => ({ userId: user.id, tenantRole: effectiveTenantRole(user) });

const MANAGED_BY_IDP = 'Your identity provider manages this profile; change it there.';

export class UserDirectoryService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly users: UserService,
    private readonly mail: MailService,
    private readonly access: UserAccessService,
  ) {}

  /** Seed 000 "Monitoring access": search, filter, sort and page the accounts, with last sign-in. */
  async list(actor: ActorContext, raw: ListUsersQueryInput): Promise<Page<DirectoryUser>> {
    const query = parseInput(ListUsersQuery, raw);
    authorize(actor, 'user:list');
    const em = this.deps.db.manager;
    if (query.teamId) await getTeam(em, actor.tenantId, query.teamId);
    const order = userOrder(query.sort, query.order);
    const base = filtered(em, actor.tenantId, query);
    const rows = order.nullable
      ? await nullableKeysetRows(base, order, query.cursor, query.limit)
      : await keyset(base, order, query.cursor, query.limit).getMany();
    const invitations = await this.openInvitations(em, actor.tenantId, rows);
    const now = this.deps.clock.now();
    return toPage(
      rows,
      query.limit,
      order,
      (u) => ({ key: sortKeyOf(u, query.sort), id: u.id }),
      (u) => describe(u, invitations.get(u.id) ?? null, now),
    );
  }

  /** One account with its team places. A member sees only themself; anyone else is "not found". */
  async get(actor: ActorContext, userId: string): Promise<DirectoryUserDetail> {
    const em = this.deps.db.manager;
    const user = await this.visibleUser(em, actor, userId);
    const [invitation, teams] = await Promise.all([
      openInvitation(em, actor.tenantId, user.id),
      this.teamPlaces(em, actor.tenantId, user.id),
    ]);
    return { ...describe(user, invitation, this.deps.clock.now()), teams };
  }

  /**
   * Profile fields a person may correct. Refused for SCIM accounts: the identity provider owns
   * them and would overwrite the change on its next sync (issue 6: "edits … are refused with a clear message").
   */
  async updateProfile(
    actor: ActorContext,
    userId: string,
    raw: UpdateUserProfileInputType,
  ): Promise<DirectoryUserDetail> {
    const input = parseInput(UpdateUserProfileInput, raw);
    await this.deps.db.transaction(async (tx) => {
      const user = await this.visibleUser(tx, actor, userId, { lock: true });
      authorize(actor, 'user:update', targetOf(user));
      if (user.source === 'scim') throw new InvalidInput('user.managed_by_idp', MANAGED_BY_IDP);
      const before = {
        givenName: user.givenName,
        familyName: user.familyName,
        displayName: user.displayName,
      };
      const after = { ...before, ...definedFields(input) };
      const now = this.deps.clock.now();
      await tx.update(User, { id: user.id }, { ...after, updatedAt: now, version: user.version + 1 });
      await this.deps.audit.record(tx, actor, {
        action: 'user.profile_updated',
        targetType: 'user',
        targetId: user.id,
        change: { before, after },
      });
    });
    return this.get(actor, userId);
  }

  /**
   * Seed 000 "Inviting new users". The acceptance link is a secret for the invitee's inbox only, so
   * it is never part of the answer; until a mailer is wired in, `emailSent` is false.
   */
  async invite(actor: ActorContext, input: InviteUserInput, links: Links): Promise<InvitationOutcome> {
    const issued = await this.users.invite(actor, input);
    return this.invitationOutcome(issued, links);
  }

  /** A fresh link by email; the previous one stops working (seed 001: a user who "misses a welcome email"). */
  async resendInvitation(actor: ActorContext, userId: string, links: Links): Promise<InvitationOutcome> {
    await this.visibleUser(this.deps.db.manager, actor, userId);
    const issued = await this.users.resendInvitation(actor, userId);
    return this.invitationOutcome(issued, links);
  }

  async revokeInvitation(actor: ActorContext, userId: string): Promise<void> {
    await this.visibleUser(this.deps.db.manager, actor, userId);
    await this.users.revokeInvitation(actor, userId);
  }

  async changeRole(
    actor: ActorContext,
    userId: string,
    input: ChangeTenantRoleInput,
  ): Promise<DirectoryUserDetail> {
    await this.visibleUser(this.deps.db.manager, actor, userId);
    await this.users.changeRole(actor, userId, input);
    return this.get(actor, userId);
  }

  async deactivate(actor: ActorContext, userId: string): Promise<DirectoryUserDetail> {
    await this.visibleUser(this.deps.db.manager, actor, userId);
    await this.users.deactivate(actor, userId);
    return this.get(actor, userId);
  }

  async reactivate(actor: ActorContext, userId: string): Promise<DirectoryUserDetail> {
    await this.visibleUser(this.deps.db.manager, actor, userId);
    await this.users.reactivate(actor, userId);
    return this.get(actor, userId);
  }

  async remove(actor: ActorContext, userId: string): Promise<void> {
    await this.visibleUser(this.deps.db.manager, actor, userId);
    await this.users.remove(actor, userId);
  }

  /**
   * An account the actor may look at: a member sees only themself, so anyone else's id answers
   * like a missing one (STYLE §3); acting on a visible account may still be refused with a reason.
   */
  private async visibleUser(
    em: EntityManager,
    actor: ActorContext,
    userId: string,
    { lock = false }: { lock?: boolean } = {},
  ): Promise<User> {
    const user = lock
      ? await lockUser(em, actor.tenantId, userId)
      : await getUser(em, actor.tenantId, userId);
    if (!can(actor, 'user:view', targetOf(user))) throw new NotFound('user.not_found', 'No such user.');
    return user;
  }

  /** Seed 000 "Monitoring access": end every session of the account now. */
  async revokeSessions(actor: ActorContext, userId: string): Promise<{ revoked: number }> {
    await this.assertMayAct(actor, userId, 'user:revokeSessions');
    return this.access.revokeSessions(actor, userId);
  }

  /** Seed 001: managers "reset MFA … for eligible tenant users". */
  async resetMfa(actor: ActorContext, userId: string): Promise<{ reset: boolean }> {
    await this.assertMayAct(actor, userId, 'user:resetMfa');
    return this.access.resetMfa(actor, userId);
  }

  /** Seed 001: a user who "needs a new password-reset path" gets a sign-in link by email. */
  async sendSignInLink(
    actor: ActorContext,
    userId: string,
    links: Links,
  ): Promise<{ sent: true; transport: Mailer['transport'] }> {
    await this.assertMayAct(actor, userId, 'user:sendSignInLink');
    return this.access.sendSignInLink(actor, userId, links);
  }

  /**
   * UserAccessService checks these actions against the account's assigned role; this checks them
   * against its effective role first, so an account an IdP mapping made manager is a manager here too.
   */
  private async assertMayAct(
    actor: ActorContext,
    userId: string,
    action: 'user:revokeSessions' | 'user:resetMfa' | 'user:sendSignInLink',
  ): Promise<void> {
    const user = await this.visibleUser(this.deps.db.manager, actor, userId);
    authorize(actor, action, targetOf(user));
  }

  private async invitationOutcome(
    issued: { user: User; invitation: Invitation; token: string },
    links: Links,
  ): Promise<InvitationOutcome> {
    const email = await mailInvitation(
      this.deps,
      this.mail,
      { tenantId: issued.user.tenantId, email: issued.user.email, token: issued.token },
      links,
    );
    const now = this.deps.clock.now();
    return {
      entry: describe(issued.user, issued.invitation, now),
      invitation: withExpiry(issued.invitation, now),
      ...email,
    };
  }

  /** The open invitation of each invited account on the page: one query, whatever the page size. */
  private async openInvitations(
    em: EntityManager,
    tenantId: string,
    users: User[],
  ): Promise<Map<string, Invitation>> {
    const invited = users.filter((u) => userStatus(u) === 'invited').map((u) => u.id);
    if (invited.length === 0) return new Map();
    const open = await em
      .createQueryBuilder(Invitation, 'i')
      .where('i.tenantId = :tenantId AND i.userId IN (:...invited)', { tenantId, invited })
      .andWhere('i.acceptedAt IS NULL AND i.revokedAt IS NULL')
      .getMany();
    return new Map(open.map((i) => [i.userId, i]));
  }

  private async teamPlaces(em: EntityManager, tenantId: string, userId: string) {
    const memberships = await em.find(TeamMembership, { where: { tenantId, userId } });
    if (memberships.length === 0) return [];
    const teams = await em.find(Team, {
      where: { tenantId, kind: 'team', id: In(memberships.map((m) => m.teamId)) },
      order: { name: 'ASC' },
    });
    const byTeam = new Map(memberships.map((m) => [m.teamId, m]));
    return teams.flatMap((team) => {
      const m = byTeam.get(team.id);
      const role = m && highestTeamRole(m.role, m.mappedRole);
      if (!m || !role) return [];
      return [{ teamId: team.id, teamName: team.name, role, manualRole: m.role, mappedRole: m.mappedRole }];
    });
  }
}

type ParsedListQuery = ReturnType<typeof ListUsersQuery.parse>;

function userOrder(sort: ParsedListQuery['sort'], direction: ParsedListQuery['order']): KeysetOrder {
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  const signature = `users:${sort}:${direction}`;
  switch (sort) {
    case 'createdAt':
      // served by idx_users_tenant_created (tenant_id, created_at, id)
      return { signature, key: 'u.createdAt', id: 'u.id', direction: dir, keyType: 'date' };
    case 'email':
      // served by uq_users_tenant_email (tenant_id, email_key); listed accounts always have a key
      return { signature, key: 'u.emailKey', id: 'u.id', direction: dir, keyType: 'string' };
    case 'lastSignInAt':
      // served by idx_users_tenant_last_sign_in; accounts that never signed in come last
      return {
        signature,
        key: 'u.lastSignInAt',
        id: 'u.id',
        direction: dir,
        keyType: 'date',
        nullable: true,
      };
  }
}

function sortKeyOf(user: User, sort: ParsedListQuery['sort']): Date | string | null {
  if (sort === 'createdAt') return user.createdAt;
  if (sort === 'email') return user.emailKey;
  return user.lastSignInAt;
}

/** The list's filters; every one is a condition on the users row or one indexed EXISTS. */
function filtered(em: EntityManager, tenantId: string, query: ParsedListQuery): SelectQueryBuilder<User> {
  const q = em
    .createQueryBuilder(User, 'u')
    .where('u.tenantId = :tenantId AND u.removedAt IS NULL', { tenantId });
  if (query.q) {
    const dialect = em.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const lower = (expr: string) => lowerCase(dialect, expr);
    q.andWhere(
      `(u.emailKey LIKE :term ESCAPE '\\' OR ${lower('u.givenName')} LIKE :term ESCAPE '\\'` +
        ` OR ${lower('u.familyName')} LIKE :term ESCAPE '\\' OR ${lower('u.displayName')} LIKE :term ESCAPE '\\'` +
        ` OR ${lower("u.givenName || ' ' || u.familyName")} LIKE :term ESCAPE '\\')`,
      { term: likePattern(query.q) },
    );
  }
  if (query.role) filterByRole(q, query.role);
  if (query.status === 'invited') q.andWhere('u.active = :yes AND u.activatedAt IS NULL', { yes: true });
  if (query.status === 'active') q.andWhere('u.active = :yes AND u.activatedAt IS NOT NULL', { yes: true });
  if (query.status === 'deactivated') q.andWhere('u.active = :no', { no: false });
  if (query.source) q.andWhere('u.source = :source', { source: query.source });
  if (query.teamId) {
    // the membership primary key (team_id, user_id) serves this
    q.andWhere(
      'EXISTS (SELECT 1 FROM team_memberships tm WHERE tm.team_id = :teamId AND tm.user_id = u.id)',
      { teamId: query.teamId },
    );
  }
  return q;
}

/** By the effective role (see effectiveTenantRole); a mapping never grants owner. */
function filterByRole(q: SelectQueryBuilder<User>, role: TenantRole): void {
  if (role === 'owner') q.andWhere('u.tenantRole = :owner', { owner: 'owner' });
  if (role === 'manager') {
    q.andWhere('u.tenantRole <> :owner AND (u.tenantRole = :manager OR u.mappedTenantRole = :manager)', {
      owner: 'owner',
      manager: 'manager',
    });
  }
  if (role === 'member') {
    q.andWhere('u.tenantRole = :member AND (u.mappedTenantRole IS NULL OR u.mappedTenantRole = :member)', {
      member: 'member',
    });
  }
}
