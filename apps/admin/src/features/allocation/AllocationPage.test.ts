import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually, fakeGateway, signedInAs } from '../../test/support';
import AllocationPage from './AllocationPage.vue';

const ROWS = {
  items: [
    {
      teamId: '6f1c1f1e-0000-4000-8000-000000000001',
      teamName: 'Platform',
      used: 3,
      limit: null,
      updatedAt: null,
    },
    {
      teamId: '6f1c1f1e-0000-4000-8000-000000000002',
      teamName: 'Security',
      used: 9,
      limit: 10,
      updatedAt: '2026-01-01T00:00:00.000Z',
    },
  ],
  nextCursor: null,
};

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function render(role: 'owner' | 'manager', routes = {}) {
  const gateway = fakeGateway({ 'GET /api/allocations': { body: ROWS }, ...routes });
  const wrapper = mount(AllocationPage, { attachTo: document.body, global: { plugins: [signedInAs(role)] } });
  await flushPromises();
  await eventually(() => expect(wrapper.text()).toContain('Platform'));
  return { wrapper, gateway };
}

describe('AllocationPage (seed 002 "Team story allocation")', () => {
  it('shows used / maximum per team to a manager, with the owner-only controls disabled and why', async () => {
    const { wrapper } = await render('manager');

    expect(wrapper.text()).toContain('3 / no maximum');
    expect(wrapper.text()).toContain('9 / 10');
    expect(
      wrapper.findAll('input[type="checkbox"]').every((c) => c.attributes('disabled') !== undefined),
    ).toBe(true);
    const save = wrapper.findAll('button').find((b) => b.text() === 'Save')!;
    expect(save.attributes('disabled')).toBeDefined();
    expect(wrapper.get(`#${save.attributes('aria-describedby')}`).text()).toBe('Requires tenant owner.');
  });

  it('asks to choose a team first, with the API rule', async () => {
    const { wrapper, gateway } = await render('owner');

    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(wrapper.text()).toContain('Choose at least one team.');
    expect(gateway.calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('ticks a team, sets the maximum and saves, as the seed describes', async () => {
    const { wrapper, gateway } = await render('owner', {
      'PUT /api/allocations': {
        body: { items: [{ ...ROWS.items[0], limit: 5, updatedAt: '2026-02-01T00:00:00.000Z' }] },
      },
    });

    await wrapper.get('input[aria-label="Limit Platform"]').setValue(true);
    const max = wrapper.get<HTMLInputElement>('#max-stories');
    await max.setValue('5');
    await max.trigger('blur');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(gateway.calls.find((c) => c.method === 'PUT')?.body).toEqual({
      teamIds: [ROWS.items[0]!.teamId],
      maxStories: 5,
    });
    await eventually(() => expect(wrapper.text()).toContain('3 / 5'));
    expect(wrapper.text()).not.toContain('Choose at least one team.');
  });
});
