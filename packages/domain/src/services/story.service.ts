// Seed 002 stories: in a team (counted against the team's story allocation) or in the author's
// personal drafts. Change-managed stories take edits into a test version only a team admin pushes
// live; send-to-story stories can be shared like credentials and resources.
import type { EntityManager } from 'typeorm';
import {
  CreateStoryInput,
  ListObjectsQuery,
  ObjectAccessInput,
  UpdateStoryInput,
} from '../contracts/objects.js';
import { Story, Team } from '../entities/index.js';
import { newId } from '../crypto.js';
import { insertRow } from '../repositories/write.js';
import { InvalidInput, InvariantViolated, NotFound } from '../errors.js';
import type { Action } from '../permissions/index.js';
import { authorize, type ActorContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { assertStoryAllowance } from './allocation.service.js';
import { parseInput } from './parse.js';
import { accessView, dropShares, replaceShares, sharesOf, type AppliedAccess } from './sharing.js';
import { creatorOf, newestFirst, patchRow, visibleTeam, type Page } from './team-object.js';
import { sharedRecords, TeamObjectStore } from './team-object-store.js';
import { draftsSpaceOf, findDraftsSpace } from './drafts.js';

export interface StoryRecord extends AppliedAccess {
  id: string;
  teamId: string;
  name: string;
  sendToStoryEnabled: boolean;
  changeManaged: boolean;
  liveVersion: unknown;
  testVersion: unknown;
  hasTestChanges: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Where a story lives: a team (by id), or the signed-in user's own drafts. */
export type StorySpace = { teamId: string } | 'drafts';

type StoryAction = Extract<Action, `story:${string}`>;

const NOT_FOUND = { code: 'story.not_found', message: 'No such story.' };

function record(s: Story, sharedWithTeamIds: string[]): StoryRecord {
  return {
    id: s.id,
    teamId: s.teamId,
    name: s.name,
    sendToStoryEnabled: s.sendToStoryEnabled,
    changeManaged: s.changeManaged,
    liveVersion: s.liveVersion,
    testVersion: s.testVersion ?? null,
    hasTestChanges: s.testVersion !== null && s.testVersion !== undefined,
    sharing: s.sharing,
    sharedWithTeamIds,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

const auditView = (s: Story) => ({
  name: s.name,
  sendToStoryEnabled: s.sendToStoryEnabled,
  changeManaged: s.changeManaged,
});

/**
 * A team's stories need the team role the table asks for. Drafts are the author's own space (seed
 * 002: case managers "are still able to author stories in their drafts" — so is everyone): finding
 * the space by its owner is the permission, and nobody else's drafts can be reached.
 */
function authorizeIn(actor: ActorContext, space: Team, action: StoryAction, createdBy?: string): void {
  if (space.kind === 'drafts') return;
  authorize(actor, action, { teamId: space.id, ...(createdBy ? { createdBy } : {}) });
}

export class StoryService {
  private readonly store: TeamObjectStore<Story, StoryRecord>;

  constructor(private readonly deps: ServiceDeps) {
    this.store = new TeamObjectStore(deps, {
      entity: Story,
      alias: 's',
      order: newestFirst('stories', 's'),
      notFound: NOT_FOUND,
      audit: { targetType: 'story', deleted: 'story.deleted' },
      present: sharedRecords('story', record),
      shareType: 'story',
    });
  }

  async list(actor: ActorContext, where: StorySpace, raw: ListObjectsQuery): Promise<Page<StoryRecord>> {
    const query = parseInput(ListObjectsQuery, raw);
    const em = this.deps.db.manager;
    const space = await this.readSpace(em, actor, where);
    if (!space) return { items: [], nextCursor: null };
    authorizeIn(actor, space, 'story:read');
    return this.store.page(em, { tenantId: actor.tenantId, teamId: space.id }, query);
  }

  async get(actor: ActorContext, where: StorySpace, storyId: string): Promise<StoryRecord> {
    const em = this.deps.db.manager;
    const space = await this.readSpace(em, actor, where);
    if (!space) throw new NotFound(NOT_FOUND.code, NOT_FOUND.message);
    const story = await this.find(em, space, storyId);
    authorizeIn(actor, space, 'story:read', story.createdBy);
    return this.store.present(em, story);
  }

  /**
   * In a team, the story allocation is checked under the team's row lock inside this transaction,
   * so concurrent creates at the limit cannot both pass (seed 002 "Team story allocation").
   */
  async create(actor: ActorContext, where: StorySpace, raw: CreateStoryInput): Promise<StoryRecord> {
    const input = parseInput(CreateStoryInput, raw);
    return this.deps.db.transaction(async (tx) => {
      const space = await this.writeSpace(tx, actor, where);
      authorizeIn(actor, space, 'story:create');
      const sharing = input.access?.sharing ?? 'team';
      if (sharing !== 'team') {
        this.assertShareable(space, input.sendToStoryEnabled);
        authorizeIn(actor, space, 'story:editAccess');
      }
      if (space.kind === 'team') await assertStoryAllowance(tx, actor.tenantId, space.id);
      const now = this.deps.clock.now();
      const story: Story = {
        id: newId(),
        tenantId: actor.tenantId,
        teamId: space.id,
        name: input.name,
        sendToStoryEnabled: input.sendToStoryEnabled,
        sharing,
        changeManaged: input.changeManaged,
        liveVersion: input.definition,
        testVersion: null,
        createdBy: creatorOf(actor),
        createdAt: now,
        updatedAt: now,
      };
      await insertRow(tx, Story, story);
      const access = input.access
        ? await replaceShares(tx, this.deps.clock, { ...story, type: 'story' }, input.access)
        : { sharing: 'team' as const, sharedWithTeamIds: [] };
      await this.deps.audit.record(tx, actor, {
        action: 'story.created',
        targetType: 'story',
        targetId: story.id,
        teamId: teamIdOf(space),
        change: { after: { ...auditView(story), ...accessView(access) } },
      });
      return record(story, access.sharedWithTeamIds);
    });
  }

  /**
   * Seed 002: for change-managed stories editors work on the test version; turning change
   * management off would let edits go live unreviewed, so it takes the authority that pushes live.
   */
  async update(
    actor: ActorContext,
    where: StorySpace,
    storyId: string,
    raw: UpdateStoryInput,
  ): Promise<StoryRecord> {
    const input = parseInput(UpdateStoryInput, raw);
    return this.deps.db.transaction(async (tx) => {
      const space = await this.writeSpace(tx, actor, where);
      const story = await this.find(tx, space, storyId);
      authorizeIn(actor, space, 'story:edit', story.createdBy);
      const changeManaged = input.changeManaged ?? story.changeManaged;
      if (story.changeManaged && !changeManaged) {
        authorizeIn(actor, space, 'story:pushLive', story.createdBy);
        if (story.testVersion !== null)
          throw new InvariantViolated(
            'story.test_changes_pending',
            'This story has test changes: push them live before turning change management off.',
          );
      }
      const stopsSharing = input.sendToStoryEnabled === false && story.sharing !== 'team';
      if (stopsSharing) authorizeIn(actor, space, 'story:editAccess', story.createdBy);
      const changes: Partial<Story> = {
        updatedAt: this.deps.clock.now(),
        changeManaged,
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.sendToStoryEnabled !== undefined ? { sendToStoryEnabled: input.sendToStoryEnabled } : {}),
        // seed 002: only send-to-story stories are shared; switching it off takes the story back to its team
        ...(stopsSharing ? { sharing: 'team' as const } : {}),
      };
      if (input.definition !== undefined) {
        if (changeManaged) changes.testVersion = input.definition;
        else changes.liveVersion = input.definition;
      }
      await patchRow(tx, Story, story.id, changes);
      if (stopsSharing) await dropShares(tx, { tenantId: actor.tenantId, type: 'story', id: story.id });
      const updated = { ...story, ...changes };
      await this.deps.audit.record(tx, actor, {
        action: 'story.updated',
        targetType: 'story',
        targetId: story.id,
        teamId: teamIdOf(space),
        change: {
          before: auditView(story),
          after: auditView(updated),
          ...(input.definition !== undefined ? { edited: changeManaged ? 'test' : 'live' } : {}),
          ...(stopsSharing ? { sharing: 'team' } : {}),
        },
      });
      return this.store.present(tx, updated);
    });
  }

  /** Seed 002: "pushing test changes to the live story (this action is reserved for team admins only)". */
  async pushLive(actor: ActorContext, where: StorySpace, storyId: string): Promise<StoryRecord> {
    return this.deps.db.transaction(async (tx) => {
      const space = await this.writeSpace(tx, actor, where);
      const story = await this.find(tx, space, storyId);
      authorizeIn(actor, space, 'story:pushLive', story.createdBy);
      if (!story.changeManaged || story.testVersion === null) {
        throw new InvariantViolated('story.no_test_changes', 'This story has no test changes to push live.');
      }
      const changes = { liveVersion: story.testVersion, testVersion: null, updatedAt: this.deps.clock.now() };
      await patchRow(tx, Story, story.id, changes);
      await this.deps.audit.record(tx, actor, {
        action: 'story.pushed_live',
        targetType: 'story',
        targetId: story.id,
        teamId: teamIdOf(space),
        change: { after: { name: story.name } },
      });
      return this.store.present(tx, { ...story, ...changes });
    });
  }

  /** Seed 002 "Send to Story: Access": a send-to-story story is shared by "selecting teams". */
  async setAccess(
    actor: ActorContext,
    where: StorySpace,
    storyId: string,
    raw: ObjectAccessInput,
  ): Promise<StoryRecord> {
    const access = parseInput(ObjectAccessInput, raw);
    return this.deps.db.transaction(async (tx) => {
      const space = await this.writeSpace(tx, actor, where);
      const story = await this.find(tx, space, storyId);
      authorizeIn(actor, space, 'story:editAccess', story.createdBy);
      if (access.sharing !== 'team') this.assertShareable(space, story.sendToStoryEnabled);
      const before = (await sharesOf(tx, actor.tenantId, 'story', [story.id])).get(story.id) ?? [];
      const applied = await replaceShares(tx, this.deps.clock, { ...story, type: 'story' }, access);
      const updatedAt = this.deps.clock.now();
      await patchRow(tx, Story, story.id, { sharing: applied.sharing, updatedAt });
      await this.deps.audit.record(tx, actor, {
        action: 'story.access_changed',
        targetType: 'story',
        targetId: story.id,
        teamId: teamIdOf(space),
        change: {
          before: accessView({ sharing: story.sharing, sharedWithTeamIds: before }),
          after: accessView(applied),
        },
      });
      return record({ ...story, sharing: applied.sharing, updatedAt }, applied.sharedWithTeamIds);
    });
  }

  /** Seed 002: editors "cannot perform destructive actions on the team such as deleting stories". */
  async delete(actor: ActorContext, where: StorySpace, storyId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const space = await this.writeSpace(tx, actor, where);
      const story = await this.find(tx, space, storyId);
      authorizeIn(actor, space, 'story:delete', story.createdBy);
      await this.store.remove(tx, actor, story, teamIdOf(space), auditView(story));
    });
  }

  private assertShareable(space: Team, sendToStoryEnabled: boolean): void {
    if (space.kind === 'drafts')
      throw new InvalidInput('drafts.not_shareable', 'Stories in drafts are personal and cannot be shared.');
    if (!sendToStoryEnabled) {
      throw new InvalidInput(
        'story.not_send_to_story',
        'Only send-to-story stories can be shared: enable send to story first.',
      );
    }
  }

  /** For reads: a visible team, or the actor's drafts (null until the space exists). */
  private async readSpace(em: EntityManager, actor: ActorContext, where: StorySpace): Promise<Team | null> {
    if (where === 'drafts') return findDraftsSpace(em, actor);
    return visibleTeam(em, actor, where.teamId);
  }

  /** For writes: the team (locked: allocation), or the actor's drafts, made on first use. */
  private async writeSpace(tx: EntityManager, actor: ActorContext, where: StorySpace): Promise<Team> {
    if (where === 'drafts') return draftsSpaceOf(tx, actor, this.deps.clock);
    return visibleTeam(tx, actor, where.teamId, { lock: true });
  }

  private find(em: EntityManager, space: Team, id: string): Promise<Story> {
    return this.store.find(em, { tenantId: space.tenantId, teamId: space.id, id });
  }
}

/** Audit records of drafts carry no team: a drafts space is nobody's team. */
const teamIdOf = (space: Team): string | null => (space.kind === 'team' ? space.id : null);
