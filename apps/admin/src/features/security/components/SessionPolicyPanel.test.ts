import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually, fakeGateway, signedInAs } from '../../../test/support';
import SessionPolicyPanel from './SessionPolicyPanel.vue';

const POLICY = {
  mode: 'idle',
  minutes: 480,
  bounds: { idle: { min: 5, max: 1440 }, fixed: { min: 15, max: 43200 } },
};

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function render(role: 'owner' | 'manager', routes = {}) {
  const gateway = fakeGateway({ 'GET /api/settings/session-policy': { body: POLICY }, ...routes });
  const wrapper = mount(SessionPolicyPanel, {
    attachTo: document.body,
    global: { plugins: [signedInAs(role)] },
  });
  await flushPromises();
  return { wrapper, gateway };
}

const saveButton = (wrapper: Awaited<ReturnType<typeof render>>['wrapper']) =>
  wrapper.findAll('button').find((b) => b.text() === 'Save session policy')!;

describe('SessionPolicyPanel', () => {
  it('a manager sees the policy, the controls disabled, and why', async () => {
    const { wrapper } = await render('manager');

    expect(wrapper.text()).toContain('View only.');
    const save = saveButton(wrapper);
    expect(save.attributes('disabled')).toBeDefined();
    expect(wrapper.get(`#${save.attributes('aria-describedby')}`).text()).toBe('Requires tenant owner.');
    expect(wrapper.findAll('input[type="radio"]').every((r) => r.attributes('disabled') !== undefined)).toBe(
      true,
    );
  });

  it('an owner gets an inline error, linked to the field, for minutes outside the bounds', async () => {
    const { wrapper, gateway } = await render('owner');
    const minutes = wrapper.get<HTMLInputElement>('#session-minutes');

    await minutes.setValue('2');
    await minutes.trigger('blur');
    await wrapper.get('form').trigger('submit');

    await eventually(() => expect(minutes.attributes('aria-invalid')).toBe('true'));
    expect(wrapper.get('#session-minutes-error').text()).toBe(
      'Choose between 5 and 1440 minutes (5 min to 1 day).',
    );
    expect(minutes.attributes('aria-describedby')).toContain('session-minutes-error');
    expect(document.activeElement).toBe(minutes.element);
    expect(gateway.calls.filter((c) => c.method === 'PUT')).toEqual([]);
  });

  it('an owner switches to a fixed duration and saves it', async () => {
    const { wrapper, gateway } = await render('owner', {
      'PUT /api/settings/session-policy': (init: RequestInit) => ({
        body: { ...POLICY, ...JSON.parse(String(init.body)) },
      }),
    });

    await wrapper.get('input[type="radio"][value="fixed"]').setValue(true);
    const minutes = wrapper.get<HTMLInputElement>('#session-minutes');
    await minutes.setValue('240');
    await minutes.trigger('blur');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    const put = gateway.calls.find((c) => c.method === 'PUT');
    expect(put?.body).toEqual({ mode: 'fixed', minutes: 240 });
    expect(put?.headers).toMatchObject({ 'X-CSRF-Token': 'csrf-test' });
  });
});
