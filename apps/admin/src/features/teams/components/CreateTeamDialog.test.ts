import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { eventually, fakeGateway, signedInAs } from '../../../test/support';
import CreateTeamDialog from './CreateTeamDialog.vue';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function render(routes = {}) {
  const gateway = fakeGateway(routes);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:p(.*)*', component: { template: '<p />' } }],
  });
  mount(CreateTeamDialog, { attachTo: document.body, global: { plugins: [signedInAs('manager'), router] } });
  await flushPromises();
  await eventually(() => expect(document.querySelector('#team-name')).not.toBeNull());
  const input = document.querySelector<HTMLInputElement>('#team-name')!;
  const submit = async (name: string) => {
    input.value = name;
    input.dispatchEvent(new Event('input'));
    document.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await flushPromises();
  };
  return { gateway, input, submit, router };
}

describe('CreateTeamDialog', () => {
  it('refuses a name the API refuses, with the same message (TeamName: no leading "~")', async () => {
    const { input, submit, gateway } = await render();

    await submit('~drafts');

    await eventually(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toBe(
      'A team name cannot start with "~".',
    );
    expect(gateway.calls).toEqual([]);
  });

  it('asks for a name when it is blank', async () => {
    const { input, submit } = await render();

    await submit('   ');

    await eventually(() =>
      expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toBe('Required.'),
    );
  });

  it('creates the team and opens it', async () => {
    const { submit, gateway, router } = await render({
      'POST /api/teams': {
        status: 201,
        body: {
          id: 't-new',
          name: 'Platform',
          memberCount: 1,
          stories: { used: 0, limit: null },
          myRole: 'admin',
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      },
    });

    await submit('  Platform ');

    expect(gateway.calls[0]).toMatchObject({
      method: 'POST',
      path: '/api/teams',
      body: { name: 'Platform' },
    });
    await eventually(() => expect(router.currentRoute.value.path).toBe('/teams/t-new'));
  });
});
