import type { RequestListener } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/server.js';

/** Answers /slow after `ms`, everything else at once. */
function slowApp(ms: number): RequestListener {
  return (req, res) => {
    const delay = req.url === '/slow' ? ms : 0;
    setTimeout(() => res.end(`done ${req.url}`), delay);
  };
}

const waitFor = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startServer', () => {
  it('listens on an ephemeral port when port is 0 and reports the real URL', async () => {
    const server = await startServer(slowApp(0), { host: '127.0.0.1', port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
    expect(await (await fetch(`${server.url}/x`)).text()).toBe('done /x');
    await server.close();
  });

  it('close() lets an in-flight request finish, then stops without waiting for keep-alive timeouts', async () => {
    const server = await startServer(slowApp(300), { host: '127.0.0.1', port: 0 });
    const inFlight = fetch(`${server.url}/slow`).then((r) => r.text());
    await waitFor(50);

    const started = Date.now();
    await server.close();
    expect(await inFlight).toBe('done /slow');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('after close() no new connection is accepted', async () => {
    const server = await startServer(slowApp(0), { host: '127.0.0.1', port: 0 });
    await fetch(`${server.url}/warm`); // leaves an idle keep-alive connection behind
    await server.close();
    await expect(fetch(`${server.url}/late`)).rejects.toThrow();
  });

  it('a request still running after the grace period is cut off', async () => {
    const server = await startServer(
      slowApp(10_000),
      { host: '127.0.0.1', port: 0 },
      { shutdownGraceMs: 200 },
    );
    const inFlight = fetch(`${server.url}/slow`);
    await waitFor(50);

    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(inFlight).rejects.toThrow();
  });

  it('a port already in use is an error, not a hang', async () => {
    const first = await startServer(slowApp(0), { host: '127.0.0.1', port: 0 });
    const port = Number(new URL(first.url).port);
    await expect(startServer(slowApp(0), { host: '127.0.0.1', port })).rejects.toThrow(/EADDRINUSE/);
    await first.close();
  });
});
