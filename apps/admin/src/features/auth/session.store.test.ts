import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { call, route } from '../../shared/api/client';
import { fakeGateway, meAs } from '../../test/support';
import { useSessionStore } from './session.store';

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.unstubAllGlobals());

const unauthorized = {
  status: 401,
  body: { error: { code: 'auth.required', message: 'Sign in to continue.' } },
};

describe('useSessionStore', () => {
  it('builds the actor can() needs from GET /api/me, sent with the session cookie', async () => {
    const { fetchMock } = fakeGateway({ 'GET /api/me': { body: meAs('manager', { t1: 'admin' }) } });
    const session = useSessionStore();

    await session.load();

    expect(fetchMock.mock.calls[0]![1]).toMatchObject({ credentials: 'same-origin' });
    expect(session.status).toBe('ready');
    expect(session.actor).toEqual({
      kind: 'user',
      tenantId: 'tenant-1',
      userId: 'me-manager',
      tenantRole: 'manager',
      teamRoles: { t1: 'admin' },
      features: { cases: false, customObjectSharing: false },
    });
  });

  it('keeps the CSRF token in memory and sends it on state-changing calls, never in web storage', async () => {
    const { calls } = fakeGateway({
      'GET /api/me': { body: meAs('owner') },
      'POST /api/teams': { status: 201, body: {} },
    });
    await useSessionStore().load();

    await call(route('POST', '/api/teams'), { body: { name: 'Ops' } });

    expect(calls[1]!.headers).toMatchObject({ 'X-CSRF-Token': 'csrf-test' });
    expect(JSON.stringify({ ...localStorage })).not.toContain('csrf-test');
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('csrf-test');
  });

  it('treats 401 as signed out, not as an error', async () => {
    fakeGateway({ 'GET /api/me': unauthorized });
    const session = useSessionStore();

    await session.load();

    expect(session.status).toBe('ready');
    expect(session.me).toBeNull();
    expect(session.actor).toBeNull();
    expect(session.error).toBeNull();
  });

  it('keeps the ApiError when /api/me fails otherwise', async () => {
    fakeGateway({
      'GET /api/me': { status: 500, body: { error: { code: 'internal', message: 'Internal error.' } } },
    });
    const session = useSessionStore();

    await session.load();

    expect(session.status).toBe('error');
    expect(session.error).toMatchObject({ status: 500, code: 'internal' });
  });

  it('loads once for concurrent navigations', async () => {
    const { fetchMock } = fakeGateway({ 'GET /api/me': { body: meAs('owner') } });
    const session = useSessionStore();

    await Promise.all([session.ensureLoaded(), session.ensureLoaded(), session.ensureLoaded()]);

    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('signs out through POST /auth/logout and forgets the actor', async () => {
    const { calls } = fakeGateway({
      'GET /api/me': { body: meAs('owner') },
      'POST /auth/logout': { body: { redirectTo: null } },
    });
    const session = useSessionStore();
    await session.load();

    await expect(session.signOut()).resolves.toEqual({ redirectTo: null });

    expect(calls[1]).toMatchObject({ method: 'POST', path: '/auth/logout' });
    expect(session.actor).toBeNull();
  });
});
