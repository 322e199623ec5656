import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory } from 'vue-router';
import { createAppRouter } from './router';
import { fakeGateway, meAs } from './test/support';

afterEach(() => vi.unstubAllGlobals());

async function visit(path: string, me: ReturnType<typeof meAs> | null) {
  setActivePinia(createPinia());
  fakeGateway({
    'GET /api/me': me
      ? { body: me }
      : { status: 401, body: { error: { code: 'auth.required', message: 'Sign in to continue.' } } },
  });
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  return router.currentRoute.value;
}

// Each navigation loads the page's lazy chunk, as in the browser; cold imports can take seconds under load.
describe('route guards', { timeout: 30_000 }, () => {
  it('sends a signed-out visitor to sign-in and remembers where they were going', async () => {
    const to = await visit('/users?role=manager', null);
    expect(to.name).toBe('sign-in');
    expect(to.query.next).toBe('/users?role=manager');
  });

  it('shows a member the Forbidden page for the users directory', async () => {
    const to = await visit('/users', meAs('member'));
    expect(to.name).toBe('forbidden');
    expect(to.query.from).toBe('/users');
  });

  it('lets a member see their teams and their account', async () => {
    expect((await visit('/teams', meAs('member'))).name).toBe('teams');
    expect((await visit('/account', meAs('member'))).name).toBe('account');
  });

  it('lets a manager open the security pages they may view but not change', async () => {
    expect((await visit('/security/sessions', meAs('manager'))).name).toBe('security-sessions');
    expect((await visit('/audit', meAs('manager'))).name).toBe('audit');
  });

  it('keeps the audit log from a member through the route action of a nested page', async () => {
    expect((await visit('/audit?action=team.created', meAs('member'))).name).toBe('forbidden');
    expect((await visit('/settings/branding', meAs('member'))).name).toBe('forbidden');
  });

  it('lets anyone reach the sign-in pages', async () => {
    expect((await visit('/sign-in/verify', null)).name).toBe('sign-in-verify');
    expect((await visit('/accept-invitation', null)).name).toBe('accept-invitation');
  });
});
