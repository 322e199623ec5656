import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useConfirmHost } from '../../../shared/composables/use-confirm';
import { eventually, fakeGateway, signedInAs } from '../../../test/support';
import OwnSessions from './OwnSessions.vue';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const session = (id: string, userAgent: string | null, current: boolean) => ({
  id,
  method: 'sso',
  ip: '198.51.100.7',
  userAgent,
  createdAt: '2026-12-01T09:00:00.000Z',
  lastSeenAt: '2026-12-06T09:00:00.000Z',
  current,
});

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('OwnSessions (Your account: where you are signed in)', () => {
  it('names each browser, marks this one, and signs another out only once confirmed', async () => {
    let items = [session('here', FIREFOX, true), session('phone', SAFARI_IPHONE, false)];
    const gateway = fakeGateway({
      'GET /api/me/sessions': () => ({ body: { items } }),
      'DELETE /api/me/sessions/phone': () => {
        items = items.filter((s) => s.id !== 'phone');
        return { status: 204 };
      },
    });
    const wrapper = mount(OwnSessions, {
      attachTo: document.body,
      global: { plugins: [signedInAs('member')] },
    });
    await flushPromises();
    await eventually(() => expect(wrapper.text()).toContain('Safari on iOS'));

    const rows = wrapper.findAll('tbody tr');
    expect(rows[0]?.text()).toContain('Firefox on Linux');
    expect(rows[0]?.text()).toContain('This browser');
    expect(rows[0]?.find('button').exists()).toBe(false);
    expect(rows[1]?.text()).toContain('Single sign-on');

    await rows[1]!.get('button').trigger('click');
    const host = useConfirmHost();
    await eventually(() => expect(host.pending.value?.title).toBe('Sign out Safari on iOS?'));
    host.answer(false);
    await flushPromises();
    expect(gateway.calls.some((c) => c.method === 'DELETE')).toBe(false);

    await rows[1]!.get('button').trigger('click');
    await eventually(() => expect(host.pending.value).not.toBeNull());
    host.answer(true);
    await flushPromises();
    expect(gateway.calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([
      '/api/me/sessions/phone',
    ]);
    await eventually(() => expect(wrapper.text()).not.toContain('Safari on iOS'));
  });
});
