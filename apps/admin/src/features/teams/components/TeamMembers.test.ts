import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually, fakeGateway, signedInAs } from '../../../test/support';
import { useTeamsStore } from '../teams.store';
import TeamMembers from './TeamMembers.vue';

const TEAM = 't1';
const member = (userId: string, role: 'admin' | 'editor') => ({
  userId,
  email: `${userId}@example.com`,
  displayName: null,
  tenantRole: 'member',
  status: 'active',
  role,
  manualRole: role,
  mappedRole: null,
  joinedAt: '2026-01-01T00:00:00.000Z',
});
const summary = (memberCount: number) => ({
  id: TEAM,
  name: 'Platform',
  memberCount,
  stories: { used: 0, limit: null },
  myRole: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function render(teamRole: 'admin' | 'editor', members: ReturnType<typeof member>[], routes = {}) {
  const gateway = fakeGateway({
    [`GET /api/teams/${TEAM}`]: { body: summary(members.length) },
    [`GET /api/teams/${TEAM}/members`]: { body: { items: members, nextCursor: null } },
    ...routes,
  });
  const pinia = signedInAs('member', { [TEAM]: teamRole });
  await useTeamsStore(pinia).open(TEAM);
  const wrapper = mount(TeamMembers, {
    props: { teamId: TEAM },
    attachTo: document.body,
    global: { plugins: [pinia] },
  });
  await flushPromises();
  await eventually(() => expect(wrapper.text()).toContain(members[0]!.email));
  return { wrapper, gateway };
}

describe('TeamMembers (seed 002 "Members")', () => {
  it('says why the last member cannot be removed, instead of offering a button that fails', async () => {
    const { wrapper } = await render('admin', [member('ada', 'admin')]);

    expect(wrapper.findAll('button').some((b) => b.text() === 'Remove')).toBe(false);
    expect(wrapper.text()).toContain('A team keeps at least one member: add someone else first.');
  });

  it('an editor sees members but not the controls: adding, role changes and removal need a team admin', async () => {
    const { wrapper } = await render('editor', [member('ada', 'admin'), member('grace', 'editor')]);

    expect(wrapper.find('form[aria-label="Add a member"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('Requires team admin.');
    const select = wrapper.get<HTMLSelectElement>('#role-grace');
    expect(select.attributes('disabled')).toBeDefined();
    const remove = wrapper.findAll('button').find((b) => b.text() === 'Remove')!;
    expect(remove.attributes('disabled')).toBeDefined();
  });

  it('a team admin changes a role in place', async () => {
    const { wrapper, gateway } = await render('admin', [member('ada', 'admin'), member('grace', 'editor')], {
      [`PUT /api/teams/${TEAM}/members/grace`]: { body: member('grace', 'admin') },
    });

    await wrapper.get('#role-grace').setValue('admin');
    await flushPromises();

    expect(gateway.calls.find((c) => c.method === 'PUT')).toMatchObject({
      path: `/api/teams/${TEAM}/members/grace`,
      body: { role: 'admin' },
    });
  });

  it('a team admin adds a member by email with a role, validated like the API', async () => {
    const { wrapper, gateway } = await render('admin', [member('ada', 'admin')], {
      [`POST /api/teams/${TEAM}/members`]: {
        status: 201,
        body: { outcome: 'added', member: member('linus', 'editor') },
      },
    });
    const email = wrapper.get<HTMLInputElement>('#member-email');

    await email.setValue('linus@');
    await wrapper.get('form[aria-label="Add a member"]').trigger('submit');
    await flushPromises();
    expect(email.attributes('aria-invalid')).toBe('true');

    await email.setValue('linus@example.com');
    await wrapper.get('form[aria-label="Add a member"]').trigger('submit');
    await flushPromises();

    expect(gateway.calls.find((c) => c.method === 'POST')?.body).toEqual({
      email: 'linus@example.com',
      role: 'editor',
    });
    await eventually(() => expect(wrapper.text()).toContain('linus@example.com'));
  });
});
