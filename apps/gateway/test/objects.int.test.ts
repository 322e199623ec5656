// Team objects and sharing (seed 002) through HTTP: credentials, resources, stories, cases,
// dashboards, "Access", what a team sees from other teams, and personal drafts.
import { DATABASES } from '@gatehouse/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CredentialView,
  DraftsSpace,
  SharedObjectList,
  StoryList,
  StoryView,
} from '@gatehouse/domain/contracts';
import {
  makeTenant,
  signIn,
  startTestGateway,
  type Browser,
  type TestGateway,
  type TestTenant,
} from './support/gateway.js';
import { actorOf, auditRecords, fingerprint, makeMember, makeTeam, setFlag } from './support/people.js';

interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
const errorOf = async (res: Response) => ((await res.json()) as ApiError).error;

describe.each(DATABASES)('team objects API on $name', (target) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(target);
    console.info(`team objects API tests run on ${gw.label}`);
  });
  afterAll(() => gw.close());

  /** A tenant with one team: its admin (the anchor), an editor and a viewer. */
  async function teamWithRoles(): Promise<{
    t: TestTenant;
    teamId: string;
    admin: Browser;
    editor: Browser;
    viewer: Browser;
  }> {
    const t = await makeTenant(gw);
    const editor = await makeMember(gw, t);
    const viewer = await makeMember(gw, t);
    const team = await makeTeam(gw, t, [
      { user: editor, role: 'editor' },
      { user: viewer, role: 'viewer' },
    ]);
    return {
      t,
      teamId: team.id,
      admin: await signIn(gw, team.anchor),
      editor: await signIn(gw, editor),
      viewer: await signIn(gw, viewer),
    };
  }

  const post = (b: Browser, path: string, json: unknown) => b.fetch(path, { method: 'POST', json });
  const put = (b: Browser, path: string, json: unknown) => b.fetch(path, { method: 'PUT', json });
  const patch = (b: Browser, path: string, json: unknown) => b.fetch(path, { method: 'PATCH', json });
  const del = (b: Browser, path: string) => b.fetch(path, { method: 'DELETE' });

  async function createCredential(
    b: Browser,
    teamId: string,
    name: string,
    extra: object = {},
  ): Promise<CredentialView> {
    const res = await post(b, `/api/teams/${teamId}/credentials`, {
      name,
      kind: 'text',
      secret: 'hunter2-super-secret',
      ...extra,
    });
    expect(res.status).toBe(201);
    return (await res.json()) as CredentialView;
  }

  describe('credentials', () => {
    it('the secret is sealed at rest and never returned, not even in the audit log', async () => {
      const { t, teamId, editor } = await teamWithRoles();
      const created = await post(editor, `/api/teams/${teamId}/credentials`, {
        name: 'Slack token',
        kind: 'http_request',
        secret: 'xoxb-very-secret',
        domains: ['slack.com', '*.slack.com'],
      });
      const bodies = [await created.text()];
      const { id } = JSON.parse(bodies[0]!) as CredentialView;
      bodies.push(await (await editor.fetch(`/api/teams/${teamId}/credentials/${id}`)).text());
      bodies.push(await (await editor.fetch(`/api/teams/${teamId}/credentials`)).text());
      for (const body of bodies) expect(body).not.toContain('xoxb-very-secret');
      expect(JSON.parse(bodies[1]!)).toMatchObject({
        hasSecret: true,
        domains: ['slack.com', '*.slack.com'],
        sharing: 'team',
      });
      const p = gw.db.dialect === 'postgres' ? '$1' : '?';
      const [row] = (await gw.db.dataSource.query(
        `SELECT secret_encrypted FROM credentials WHERE id = ${p}`,
        [id],
      )) as Array<{
        secret_encrypted: string;
      }>;
      expect(row!.secret_encrypted).not.toContain('xoxb');
      expect(row!.secret_encrypted.startsWith('v1.')).toBe(true);

      await patch(editor, `/api/teams/${teamId}/credentials/${id}`, { secret: 'xoxb-rotated-secret' });
      const audit = await gw.db.dataSource.query(`SELECT change FROM audit_events WHERE tenant_id = ${p}`, [
        t.tenant.id,
      ]);
      expect(JSON.stringify(audit)).not.toMatch(/xoxb/);
      const [replaced] = await auditRecords(gw, t.tenant.id, 'credential.updated');
      expect(JSON.parse(replaced!.change)).toMatchObject({ secretReplaced: true });
    });

    it('names are unique across the tenant, whichever team holds them: 409', async () => {
      const { t, teamId, admin } = await teamWithRoles();
      const other = await makeTeam(gw, t);
      await createCredential(admin, teamId, 'GitHub');
      const res = await post(await signIn(gw, other.anchor), `/api/teams/${other.id}/credentials`, {
        name: 'github',
        kind: 'text',
        secret: 's',
      });
      expect(res.status).toBe(409);
      expect(await errorOf(res)).toMatchObject({ code: 'credential.name_taken' });
    });

    it('two creates of one name at once: one is created, the other is a 409', async () => {
      const { teamId, admin, editor } = await teamWithRoles();
      const results = await Promise.all(
        [admin, editor].map((b) =>
          post(b, `/api/teams/${teamId}/credentials`, { name: 'Race', kind: 'text', secret: 's' }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it('an editor edits but cannot delete (403 "Requires team admin."); the team admin deletes', async () => {
      const { teamId, admin, editor } = await teamWithRoles();
      const c = await createCredential(editor, teamId, 'Jira');
      const url = `/api/teams/${teamId}/credentials/${c.id}`;
      expect((await patch(editor, url, { name: 'Jira cloud' })).status).toBe(200);
      const refused = await del(editor, url);
      expect(refused.status).toBe(403);
      expect((await errorOf(refused)).message).toBe('Requires team admin.');
      expect((await del(admin, url)).status).toBe(204);
      expect((await admin.fetch(url)).status).toBe(404);
    });

    it('domains are changed by the team admin or the credential’s creator; another editor gets 403', async () => {
      const { t, teamId, admin, editor } = await teamWithRoles();
      const otherEditor = await makeMember(gw, t);
      await gw.services.teams.addMember(await actorOf(gw, admin.user), teamId, {
        email: otherEditor.email,
        role: 'editor',
      });
      const c = await createCredential(editor, teamId, 'AWS');
      const url = `/api/teams/${teamId}/credentials/${c.id}/domains`;
      expect((await put(editor, url, { domains: ['aws.amazon.com'] })).status).toBe(200);
      const refused = await put(await signIn(gw, otherEditor), url, { domains: ['evil.test'] });
      expect(refused.status).toBe(403);
      expect((await errorOf(refused)).message).toBe("Requires team admin or the credential's creator.");
      const res = await put(admin, url, { domains: ['s3.amazonaws.com'] });
      expect(((await res.json()) as CredentialView).domains).toEqual(['s3.amazonaws.com']);
      expect(await auditRecords(gw, t.tenant.id, 'credential.domains_changed')).toHaveLength(2);
    });

    it('access changes are the team admin’s alone, from the first version on', async () => {
      const { teamId, admin, editor } = await teamWithRoles();
      const c = await createCredential(editor, teamId, 'PagerDuty');
      const access = { sharing: 'all_teams_and_drafts' };
      expect((await put(editor, `/api/teams/${teamId}/credentials/${c.id}/access`, access)).status).toBe(403);
      const onCreate = await post(editor, `/api/teams/${teamId}/credentials`, {
        name: 'Shared from the start',
        kind: 'text',
        secret: 's',
        access,
      });
      expect(onCreate.status).toBe(403);
      const res = await put(admin, `/api/teams/${teamId}/credentials/${c.id}/access`, access);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ sharing: 'all_teams_and_drafts', sharedWithTeamIds: [] });
    });

    it('sharing with chosen teams needs custom object sharing: 400 with a clear message, then the teams see it', async () => {
      const { t, teamId, admin } = await teamWithRoles();
      const other = await makeTeam(gw, t);
      const c = await createCredential(admin, teamId, 'Okta');
      const url = `/api/teams/${teamId}/credentials/${c.id}/access`;
      const before = await fingerprint(gw);
      const refused = await put(admin, url, { sharing: 'selected_teams', teamIds: [other.id] });
      expect(refused.status).toBe(400);
      expect(await errorOf(refused)).toMatchObject({
        code: 'sharing.custom_disabled',
        message: expect.stringContaining('custom object sharing'),
      });
      expect(await fingerprint(gw)).toBe(before);

      await setFlag(gw, t, 'custom_object_sharing', true);
      const res = await put(admin, url, { sharing: 'selected_teams', teamIds: [other.id, teamId] });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ sharing: 'selected_teams', sharedWithTeamIds: [other.id] });
      const seen = (await (
        await (await signIn(gw, other.anchor)).fetch(`/api/teams/${other.id}/shared?type=credential`)
      ).json()) as SharedObjectList;
      expect(seen.items).toEqual([
        expect.objectContaining({
          id: c.id,
          name: 'Okta',
          teamId,
          sharing: 'selected_teams',
          type: 'credential',
        }),
      ]);
    });

    it('teams chosen but not for selected_teams, or none chosen for it, are a 400', async () => {
      const { t, teamId, admin } = await teamWithRoles();
      await setFlag(gw, t, 'custom_object_sharing', true);
      const c = await createCredential(admin, teamId, 'Zendesk');
      const url = `/api/teams/${teamId}/credentials/${c.id}/access`;
      expect((await put(admin, url, { sharing: 'selected_teams', teamIds: [] })).status).toBe(400);
      expect((await put(admin, url, { sharing: 'team', teamIds: [teamId] })).status).toBe(400);
      expect((await put(admin, url, { sharing: 'selected_teams', teamIds: [teamId] })).status).toBe(400);
    });

    it('a viewer reads credentials but changes nothing', async () => {
      const { teamId, admin, viewer } = await teamWithRoles();
      const c = await createCredential(admin, teamId, 'Read only');
      expect((await viewer.fetch(`/api/teams/${teamId}/credentials/${c.id}`)).status).toBe(200);
      expect((await patch(viewer, `/api/teams/${teamId}/credentials/${c.id}`, { name: 'x' })).status).toBe(
        403,
      );
      expect(
        (await post(viewer, `/api/teams/${teamId}/credentials`, { name: 'New', kind: 'text', secret: 's' }))
          .status,
      ).toBe(403);
    });
  });

  describe('resources', () => {
    it('an editor creates and edits resources, cannot delete them; names are unique across the tenant', async () => {
      const { teamId, admin, editor } = await teamWithRoles();
      const created = await post(editor, `/api/teams/${teamId}/resources`, {
        name: 'Allowlist',
        value: ['a', 'b'],
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const edited = await patch(editor, `/api/teams/${teamId}/resources/${id}`, {
        value: { nested: [1, null] },
      });
      expect(await edited.json()).toMatchObject({ name: 'Allowlist', value: { nested: [1, null] } });
      expect(
        (await post(admin, `/api/teams/${teamId}/resources`, { name: 'ALLOWLIST', value: 1 })).status,
      ).toBe(409);
      expect((await del(editor, `/api/teams/${teamId}/resources/${id}`)).status).toBe(403);
      expect((await del(admin, `/api/teams/${teamId}/resources/${id}`)).status).toBe(204);
    });

    it('an editor may share a resource with all teams & drafts (access is an edit, not a deletion)', async () => {
      const { teamId, editor } = await teamWithRoles();
      const { id } = (await (
        await post(editor, `/api/teams/${teamId}/resources`, { name: 'Regions', value: 'eu' })
      ).json()) as {
        id: string;
      };
      const res = await put(editor, `/api/teams/${teamId}/resources/${id}/access`, {
        sharing: 'all_teams_and_drafts',
      });
      expect(res.status).toBe(200);
    });
  });

  describe('stories', () => {
    const definition = (step: string) => ({ actions: [{ name: step }] });

    it('edits of a change-managed story go to its test version; only a team admin pushes them live', async () => {
      const { t, teamId, admin, editor } = await teamWithRoles();
      const created = (await (
        await post(editor, `/api/teams/${teamId}/stories`, {
          name: 'Triage',
          definition: definition('v1'),
          changeManaged: true,
        })
      ).json()) as StoryView;
      const url = `/api/teams/${teamId}/stories/${created.id}`;
      const edited = (await (await patch(editor, url, { definition: definition('v2') })).json()) as StoryView;
      expect(edited).toMatchObject({
        liveVersion: definition('v1'),
        testVersion: definition('v2'),
        hasTestChanges: true,
      });

      const refused = await post(editor, `${url}/push-live`, {});
      expect(refused.status).toBe(403);
      expect((await errorOf(refused)).message).toBe('Requires team admin.');
      const pushed = await post(admin, `${url}/push-live`, {});
      expect(pushed.status).toBe(200);
      expect(await pushed.json()).toMatchObject({
        liveVersion: definition('v2'),
        testVersion: null,
        hasTestChanges: false,
      });
      expect(await auditRecords(gw, t.tenant.id, 'story.pushed_live')).toHaveLength(1);
      const again = await post(admin, `${url}/push-live`, {});
      expect(again.status).toBe(409);
      expect((await errorOf(again)).code).toBe('story.no_test_changes');
    });

    it('without change management, edits change the live version', async () => {
      const { teamId, editor } = await teamWithRoles();
      const created = (await (
        await post(editor, `/api/teams/${teamId}/stories`, { name: 'Plain' })
      ).json()) as StoryView;
      const edited = (await (
        await patch(editor, `/api/teams/${teamId}/stories/${created.id}`, { definition: definition('now') })
      ).json()) as StoryView;
      expect(edited).toMatchObject({ liveVersion: definition('now'), testVersion: null });
    });

    it('an editor cannot turn change management off (it would let edits go live); with test changes nobody can', async () => {
      const { teamId, admin, editor } = await teamWithRoles();
      const created = (await (
        await post(editor, `/api/teams/${teamId}/stories`, { name: 'Guarded', changeManaged: true })
      ).json()) as StoryView;
      const url = `/api/teams/${teamId}/stories/${created.id}`;
      expect((await patch(editor, url, { changeManaged: false })).status).toBe(403);
      await patch(editor, url, { definition: definition('pending') });
      const pending = await patch(admin, url, { changeManaged: false });
      expect(pending.status).toBe(409);
      expect((await errorOf(pending)).code).toBe('story.test_changes_pending');
      await post(admin, `${url}/push-live`, {});
      expect((await patch(admin, url, { changeManaged: false })).status).toBe(200);
    });

    it('only send-to-story stories are shared; turning send to story off takes the story back to its team', async () => {
      const { teamId, editor } = await teamWithRoles();
      const plain = (await (
        await post(editor, `/api/teams/${teamId}/stories`, { name: 'Internal' })
      ).json()) as StoryView;
      const refused = await put(editor, `/api/teams/${teamId}/stories/${plain.id}/access`, {
        sharing: 'all_teams_and_drafts',
      });
      expect(refused.status).toBe(400);
      expect((await errorOf(refused)).code).toBe('story.not_send_to_story');

      const sts = (await (
        await post(editor, `/api/teams/${teamId}/stories`, {
          name: 'Enrich IP',
          sendToStoryEnabled: true,
          access: { sharing: 'all_teams_and_drafts' },
        })
      ).json()) as StoryView;
      expect(sts.sharing).toBe('all_teams_and_drafts');
      const off = (await (
        await patch(editor, `/api/teams/${teamId}/stories/${sts.id}`, { sendToStoryEnabled: false })
      ).json()) as StoryView;
      expect(off).toMatchObject({ sendToStoryEnabled: false, sharing: 'team' });
    });

    it('an editor cannot delete a story; a viewer reads stories and edits none', async () => {
      const { teamId, admin, editor, viewer } = await teamWithRoles();
      const s = (await (
        await post(editor, `/api/teams/${teamId}/stories`, { name: 'Keep me' })
      ).json()) as StoryView;
      const url = `/api/teams/${teamId}/stories/${s.id}`;
      expect((await del(editor, url)).status).toBe(403);
      expect((await viewer.fetch(url)).status).toBe(200);
      expect((await patch(viewer, url, { name: 'x' })).status).toBe(403);
      expect((await del(admin, url)).status).toBe(204);
    });
  });

  describe('cases and dashboards', () => {
    it('with cases on, a case manager works on cases and dashboards but reads no stories, resources or credentials', async () => {
      const t = await makeTenant(gw);
      await setFlag(gw, t, 'cases', true);
      const cm = await makeMember(gw, t);
      const team = await makeTeam(gw, t, [{ user: cm, role: 'case_manager' }]);
      const b = await signIn(gw, cm);
      const created = await post(b, `/api/teams/${team.id}/cases`, { title: 'Phishing report' });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await patch(b, `/api/teams/${team.id}/cases/${id}`, { status: 'closed' })).status).toBe(200);
      expect((await post(b, `/api/teams/${team.id}/dashboards`, { name: 'Cases' })).status).toBe(201);
      for (const objects of ['stories', 'resources', 'credentials']) {
        expect((await b.fetch(`/api/teams/${team.id}/${objects}`)).status, objects).toBe(403);
      }
      expect((await del(b, `/api/teams/${team.id}/cases/${id}`)).status).toBe(204);
    });

    it('with cases turned off, a case manager gets neither cases nor dashboards', async () => {
      const t = await makeTenant(gw);
      await setFlag(gw, t, 'cases', true);
      const cm = await makeMember(gw, t);
      const team = await makeTeam(gw, t, [{ user: cm, role: 'case_manager' }]);
      await setFlag(gw, t, 'cases', false);
      const b = await signIn(gw, cm);
      expect((await b.fetch(`/api/teams/${team.id}/cases`)).status).toBe(403);
      expect((await b.fetch(`/api/teams/${team.id}/dashboards`)).status).toBe(403);
    });

    it('an editor opens and edits cases but deletes none; a dashboard manager has dashboards only', async () => {
      const { t, teamId, admin, editor } = await teamWithRoles();
      const dm = await makeMember(gw, t);
      await gw.services.teams.addMember(await actorOf(gw, admin.user), teamId, {
        email: dm.email,
        role: 'dashboard_manager',
      });
      const { id } = (await (
        await post(editor, `/api/teams/${teamId}/cases`, { title: 'Alert' })
      ).json()) as { id: string };
      expect((await del(editor, `/api/teams/${teamId}/cases/${id}`)).status).toBe(403);
      const b = await signIn(gw, dm);
      const d = await post(b, `/api/teams/${teamId}/dashboards`, {
        name: 'Ops',
        elements: [{ chart: 'line' }],
      });
      expect(d.status).toBe(201);
      const { id: dashboardId } = (await d.json()) as { id: string };
      expect((await del(b, `/api/teams/${teamId}/dashboards/${dashboardId}`)).status).toBe(204);
      expect((await b.fetch(`/api/teams/${teamId}/cases`)).status).toBe(403);
      expect((await b.fetch(`/api/teams/${teamId}/stories`)).status).toBe(403);
    });
  });

  describe('what a team sees from other teams', () => {
    it('objects shared with all teams & drafts and those shared with it by name; a case manager only the former', async () => {
      const t = await makeTenant(gw);
      await setFlag(gw, t, 'custom_object_sharing', true);
      await setFlag(gw, t, 'cases', true);
      const cm = await makeMember(gw, t);
      const viewer = await makeMember(gw, t);
      const home = await makeTeam(gw, t);
      const reader = await makeTeam(gw, t, [
        { user: cm, role: 'case_manager' },
        { user: viewer, role: 'viewer' },
      ]);
      const homeAdmin = await signIn(gw, home.anchor);
      const everyone = await createCredential(homeAdmin, home.id, 'Global', {
        access: { sharing: 'all_teams_and_drafts' },
      });
      const chosen = await createCredential(homeAdmin, home.id, 'Chosen', {
        access: { sharing: 'selected_teams', teamIds: [reader.id] },
      });
      await createCredential(homeAdmin, home.id, 'Private');
      const seenBy = async (user: Browser) =>
        (
          (await (
            await user.fetch(`/api/teams/${reader.id}/shared?type=credential`)
          ).json()) as SharedObjectList
        ).items
          .map((o) => o.id)
          .sort();
      expect(await seenBy(await signIn(gw, viewer))).toEqual([everyone.id, chosen.id].sort());
      expect(await seenBy(await signIn(gw, cm))).toEqual([everyone.id]);
      const own = (await (
        await homeAdmin.fetch(`/api/teams/${home.id}/shared?type=credential`)
      ).json()) as SharedObjectList;
      expect(own.items).toEqual([]);
    });

    it('a send-to-story story shared with all teams appears to other teams; a plain story never does', async () => {
      const { t, teamId, editor } = await teamWithRoles();
      const other = await makeTeam(gw, t);
      await post(editor, `/api/teams/${teamId}/stories`, {
        name: 'Lookup',
        sendToStoryEnabled: true,
        access: { sharing: 'all_teams_and_drafts' },
      });
      const res = await (await signIn(gw, other.anchor)).fetch(`/api/teams/${other.id}/shared?type=story`);
      expect(((await res.json()) as SharedObjectList).items.map((o) => o.name)).toEqual(['Lookup']);
    });

    it('the type is required', async () => {
      const { teamId, admin } = await teamWithRoles();
      expect((await admin.fetch(`/api/teams/${teamId}/shared`)).status).toBe(400);
    });
  });

  describe('drafts', () => {
    it('a case manager authors stories in their drafts, with the objects shared with all teams & drafts', async () => {
      const t = await makeTenant(gw);
      await setFlag(gw, t, 'cases', true);
      const cm = await makeMember(gw, t);
      const team = await makeTeam(gw, t, [{ user: cm, role: 'case_manager' }]);
      await gw.services.resources.create(await actorOf(gw, team.anchor), team.id, {
        name: 'Global list',
        value: [],
        access: { sharing: 'all_teams_and_drafts' },
      });
      await gw.services.resources.create(await actorOf(gw, team.anchor), team.id, {
        name: 'Team list',
        value: [],
      });
      const b = await signIn(gw, cm);
      const created = await post(b, '/api/me/drafts/stories', { name: 'My idea', changeManaged: true });
      expect(created.status).toBe(201);
      const story = (await created.json()) as StoryView;
      const space = (await (await b.fetch('/api/me/drafts')).json()) as DraftsSpace;
      expect(space).toEqual({ id: story.teamId, storyCount: 1 });
      await patch(b, `/api/me/drafts/stories/${story.id}`, { definition: { actions: [] } });
      expect((await post(b, `/api/me/drafts/stories/${story.id}/push-live`, {})).status).toBe(200);
      const shared = (await (
        await b.fetch('/api/me/drafts/shared?type=resource')
      ).json()) as SharedObjectList;
      expect(shared.items.map((o) => o.name)).toEqual(['Global list']);
      expect((await del(b, `/api/me/drafts/stories/${story.id}`)).status).toBe(204);
    });

    it('nobody else reaches a user’s drafts, not even a tenant owner', async () => {
      const t = await makeTenant(gw);
      const author = await signIn(gw, await makeMember(gw, t));
      const story = (await (
        await post(author, '/api/me/drafts/stories', { name: 'Private' })
      ).json()) as StoryView;
      const owner = await signIn(gw, t.owner);
      expect((await owner.fetch(`/api/me/drafts/stories/${story.id}`)).status).toBe(404);
      expect((await patch(owner, `/api/me/drafts/stories/${story.id}`, { name: 'x' })).status).toBe(404);
      expect((await owner.fetch(`/api/teams/${story.teamId}/stories`)).status).toBe(404);
      expect(((await (await author.fetch('/api/me/drafts/stories')).json()) as StoryList).items).toHaveLength(
        1,
      );
    });

    it('stories in drafts are not shared and do not count against any allocation', async () => {
      const t = await makeTenant(gw);
      const b = await signIn(gw, await makeMember(gw, t));
      const refused = await post(b, '/api/me/drafts/stories', {
        name: 'Shared draft',
        sendToStoryEnabled: true,
        access: { sharing: 'all_teams_and_drafts' },
      });
      expect(refused.status).toBe(400);
      expect((await errorOf(refused)).code).toBe('drafts.not_shareable');
    });
  });
});
