import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { fakeGateway, meAs } from '../../test/support';
import VerifySignInPage from './VerifySignInPage.vue';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWx_-12';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

async function openLink(hash: string, routes = {}) {
  history.replaceState(null, '', `/sign-in/verify${hash}`);
  const gateway = fakeGateway({ 'GET /api/me': { body: meAs('owner') }, ...routes });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:p(.*)*', component: { template: '<p />' } }],
  });
  await router.push('/sign-in/verify');
  const wrapper = mount(VerifySignInPage, {
    attachTo: document.body,
    global: { plugins: [router, createPinia()] },
  });
  await flushPromises();
  return { wrapper, gateway, router };
}

describe('the sign-in link page (/sign-in/verify#token=…)', () => {
  it('takes the token out of the address bar at once and posts it only on a click', async () => {
    const { wrapper, gateway, router } = await openLink(`#token=${TOKEN}`, {
      'POST /auth/email/verify': { body: { status: 'signed_in', returnTo: '/users' } },
    });
    expect(window.location.hash).toBe('');
    expect(gateway.calls.some((c) => c.path === '/auth/email/verify')).toBe(false);

    await wrapper.get('button').trigger('click');
    await flushPromises();

    expect(gateway.calls.find((c) => c.path === '/auth/email/verify')?.body).toEqual({ token: TOKEN });
    expect(router.currentRoute.value.path).toBe('/users');
  });

  it('explains an expired link in plain words', async () => {
    const { wrapper } = await openLink(`#token=${TOKEN}`, {
      'POST /auth/email/verify': {
        status: 401,
        body: { error: { code: 'signin.link_expired', message: 'x' } },
      },
    });

    await wrapper.get('button').trigger('click');
    await flushPromises();

    expect(wrapper.get('[role="alert"]').text()).toContain(
      'This sign-in link has expired. Ask for a new one.',
    );
  });

  it('says a truncated link is incomplete without calling the gateway', async () => {
    const { wrapper, gateway } = await openLink('#token=short');

    expect(wrapper.get('[role="alert"]').text()).toContain('This link is incomplete.');
    expect(gateway.calls).toEqual([]);
  });

  it('asks for the second factor when the account has one', async () => {
    const { wrapper } = await openLink(`#token=${TOKEN}`, {
      'POST /auth/email/verify': { body: { status: 'mfa_required', enrolment: false } },
    });

    await wrapper.get('button').trigger('click');
    await flushPromises();

    expect(wrapper.get('label[for="mfa-code"]').text()).toBe('6-digit code');
  });
});
