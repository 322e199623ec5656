import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, setCsrfToken } from './client';

function stubFetch(response: Response) {
  const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(response);
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

describe('call', () => {
  it('sends JSON with the session cookie and resolves with the parsed body', async () => {
    const fetchMock = stubFetch(json(200, { id: 't1' }));

    await expect(call('POST', '/api/teams', { name: 'Ops' })).resolves.toEqual({ id: 't1' });

    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/teams');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"name":"Ops"}' });
    expect(init?.headers).toMatchObject({ 'Content-Type': 'application/json' });
  });

  it('sends the in-memory CSRF token as X-CSRF-Token', async () => {
    const fetchMock = stubFetch(new Response(null, { status: 204 }));
    setCsrfToken('token-123');

    await expect(call('DELETE', '/api/teams/t1')).resolves.toBeUndefined();

    expect(fetchMock.mock.calls[0]![1]?.headers).toMatchObject({ 'X-CSRF-Token': 'token-123' });
  });

  it('sends no CSRF header before a token is known', async () => {
    const fetchMock = stubFetch(json(200, {}));

    await call('GET', '/api/me');

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

    const error = await call('DELETE', '/api/teams/t1/members/u1').catch((e: unknown) => e);

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

    await expect(call('GET', '/api/me')).rejects.toMatchObject({
      status: 502,
      code: 'http.502',
      detail: 'Bad Gateway',
    });
  });

  it('rejects with a network ApiError when no response arrives', async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockRejectedValue(new TypeError('Failed to fetch')));

    await expect(call('GET', '/api/me')).rejects.toMatchObject({ status: 0, code: 'network.unreachable' });
  });
});
