import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, download, route, setApiHooks, setCsrfToken, urlFor } from './client';

function stubFetch(...responses: Response[]) {
  const fetchMock = vi.fn<typeof fetch>();
  for (const r of responses) fetchMock.mockResolvedValueOnce(r);
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const createTeam = route<{ id: string }, { body: { name: string } }>('POST', '/api/teams');
const removeMember = route<undefined, { params: { teamId: string; userId: string } }>(
  'DELETE',
  '/api/teams/:teamId/members/:userId',
);
const me = route<{ userId: string }>('GET', '/api/me');
const listUsers = route<{ items: [] }, { query: { q?: string; role?: string; limit?: number } }>(
  'GET',
  '/api/users',
);

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
  setApiHooks({});
});

describe('call', () => {
  it('sends JSON with the session cookie and resolves with the parsed body', async () => {
    const fetchMock = stubFetch(json(201, { id: 't1' }));

    await expect(call(createTeam, { body: { name: 'Ops' } })).resolves.toEqual({ id: 't1' });

    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/teams');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"name":"Ops"}' });
    expect(init?.headers).toMatchObject({ 'Content-Type': 'application/json' });
  });

  it('fills path parameters, encoded, and resolves a 204 with undefined', async () => {
    const fetchMock = stubFetch(new Response(null, { status: 204 }));

    await expect(call(removeMember, { params: { teamId: 't 1', userId: 'u/2' } })).resolves.toBeUndefined();

    expect(fetchMock.mock.calls[0]![0]).toBe('/api/teams/t%201/members/u%2F2');
  });

  it('writes the query string, leaving out empty filters', () => {
    expect(urlFor(listUsers, { query: { q: 'ada lovelace', role: '', limit: 50 } })).toBe(
      '/api/users?q=ada+lovelace&limit=50',
    );
  });

  it('sends the in-memory CSRF token as X-CSRF-Token', async () => {
    const fetchMock = stubFetch(new Response(null, { status: 204 }));
    setCsrfToken('token-123');

    await call(removeMember, { params: { teamId: 't1', userId: 'u1' } });

    expect(fetchMock.mock.calls[0]![1]?.headers).toMatchObject({ 'X-CSRF-Token': 'token-123' });
  });

  it('sends no CSRF header before a token is known', async () => {
    const fetchMock = stubFetch(json(200, {}));

    await call(me);

    expect(fetchMock.mock.calls[0]![1]?.headers).not.toHaveProperty('X-CSRF-Token');
  });

  it('rejects with an ApiError carrying the status, code, message and details of the error body', async () => {
    stubFetch(
      json(409, {
        error: {
          code: 'team.last_member',
          message: 'A team keeps at least one member.',
          details: { teamId: 't1' },
        },
      }),
    );

    const error = await call(removeMember, { params: { teamId: 't1', userId: 'u1' } }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'team.last_member',
      detail: 'A team keeps at least one member.',
      message: 'A team keeps at least one member.',
      details: { teamId: 't1' },
    });
  });

  it('rejects with an http.<status> ApiError when the error body is not the API shape', async () => {
    stubFetch(new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }));

    await expect(call(me)).rejects.toMatchObject({ status: 502, code: 'http.502', detail: 'Bad Gateway' });
  });

  it('rejects with a network ApiError when no response arrives', async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockRejectedValue(new TypeError('Failed to fetch')));

    await expect(call(me)).rejects.toMatchObject({ status: 0, code: 'network.unreachable' });
  });

  it('refreshes a stale CSRF token once and retries the call', async () => {
    const fetchMock = stubFetch(
      json(403, { error: { code: 'csrf.invalid', message: 'Missing or invalid CSRF token.' } }),
      json(201, { id: 't1' }),
    );
    const refreshCsrf = vi.fn(async () => setCsrfToken('fresh'));
    setApiHooks({ refreshCsrf });

    await expect(call(createTeam, { body: { name: 'Ops' } })).resolves.toEqual({ id: 't1' });

    expect(refreshCsrf).toHaveBeenCalledOnce();
    expect(fetchMock.mock.calls[1]![1]?.headers).toMatchObject({ 'X-CSRF-Token': 'fresh' });
  });

  it('reports a 401 on an API call as an ended session, but not the session probe itself', async () => {
    const unauthorized = () =>
      json(401, { error: { code: 'auth.required', message: 'Sign in to continue.' } });
    stubFetch(unauthorized(), unauthorized());
    const onUnauthorized = vi.fn();
    setApiHooks({ onUnauthorized });

    await expect(call(listUsers, { query: {} })).rejects.toMatchObject({ status: 401 });
    await expect(call(me)).rejects.toMatchObject({ status: 401 });

    expect(onUnauthorized).toHaveBeenCalledOnce();
  });
});

describe('download', () => {
  it('streams the body into a Blob and reports the bytes received', async () => {
    stubFetch(new Response('a,b\n1,2\n', { status: 200, headers: { 'Content-Type': 'text/csv' } }));
    const progress: number[] = [];

    const blob = await download(
      listUsers,
      { query: {} },
      { accept: 'text/csv', onProgress: (b) => progress.push(b) },
    );

    expect(await blob.text()).toBe('a,b\n1,2\n');
    expect(blob.type).toBe('text/csv');
    expect(progress.at(-1)).toBe(8);
  });
});
