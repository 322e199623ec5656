import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSessionStore } from './session.store';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.unstubAllGlobals());

describe('useSessionStore', () => {
  it('holds the signed-in actor from GET /api/me, sent with the session cookie', async () => {
    const me = { userId: 'u1', tenantId: 't1', email: 'ada@example.com' };
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(json(200, me));
    vi.stubGlobal('fetch', fetchMock);
    const session = useSessionStore();

    await session.load();

    expect(fetchMock).toHaveBeenCalledWith(
      '/api/me',
      expect.objectContaining({ credentials: 'same-origin' }),
    );
    expect(session.status).toBe('ready');
    expect(session.me).toEqual(me);
  });

  it('treats 401 as signed out, not as an error', async () => {
    vi.stubGlobal(
      'fetch',
      vi
        .fn<typeof fetch>()
        .mockResolvedValue(json(401, { error: { code: 'session.missing', message: 'x' } })),
    );
    const session = useSessionStore();

    await session.load();

    expect(session.status).toBe('ready');
    expect(session.me).toBeNull();
    expect(session.error).toBeNull();
  });

  it('keeps the ApiError when /api/me fails otherwise', async () => {
    vi.stubGlobal(
      'fetch',
      vi
        .fn<typeof fetch>()
        .mockResolvedValue(json(500, { error: { code: 'internal', message: 'Internal error.' } })),
    );
    const session = useSessionStore();

    await session.load();

    expect(session.status).toBe('error');
    expect(session.error).toMatchObject({ status: 500, code: 'internal' });
  });
});
