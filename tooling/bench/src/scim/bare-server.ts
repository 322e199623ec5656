// The in-run reference: a bare node:http server answering the benchmark's SCIM requests from a Map,
// without a database, validation or audit. Ratios against it cancel out the machine.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { CORE_USER } from './entra.ts';

const TOKEN = 'Bearer bare-token';
const users = new Map<string, Record<string, unknown>>();
const byName = new Map<string, Record<string, unknown>>();
const order: Record<string, unknown>[] = [];
const groups = new Map<string, { id: string; displayName: string; members: Set<string> }>();

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const payload = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/scim+json',
      'content-length': Buffer.byteLength(payload),
    })
    .end(payload);
}

function list(resources: unknown[], total: number, startIndex: number) {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: total,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.headers.authorization !== TOKEN) return send(res, 401, { status: '401' });
  const url = new URL(req.url ?? '/', 'http://bare');
  const [, , , resource, id] = url.pathname.split('/');
  if (resource === 'Users' && req.method === 'POST') {
    const body = await readJson(req);
    const key = String(body['userName']).toLowerCase();
    if (byName.has(key)) return send(res, 409, { status: '409', scimType: 'uniqueness' });
    const now = new Date().toISOString();
    const user = {
      ...body,
      schemas: [CORE_USER],
      id: randomUUID(),
      meta: { resourceType: 'User', created: now, lastModified: now, version: 'W/"1"' },
    };
    users.set(user.id, user);
    byName.set(key, user);
    order.push(user);
    return send(res, 201, user);
  }
  if (resource === 'Users' && req.method === 'GET' && !id) {
    const filter = url.searchParams.get('filter');
    if (filter) {
      const m = /^userName eq "(.*)"$/i.exec(filter);
      const found = m ? byName.get((m[1] ?? '').toLowerCase()) : undefined;
      return send(res, 200, list(found ? [found] : [], found ? 1 : 0, 1));
    }
    const start = Math.max(1, Number(url.searchParams.get('startIndex') ?? 1));
    const count = Math.min(1000, Number(url.searchParams.get('count') ?? 100));
    return send(res, 200, list(order.slice(start - 1, start - 1 + count), order.length, start));
  }
  if (resource === 'Groups' && req.method === 'POST') {
    const body = await readJson(req);
    const group = { id: randomUUID(), displayName: String(body['displayName']), members: new Set<string>() };
    groups.set(group.id, group);
    return send(res, 201, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: group.id,
      displayName: group.displayName,
      members: [],
    });
  }
  const group = id ? groups.get(id) : undefined;
  if (resource === 'Groups' && group && req.method === 'PATCH') {
    const body = await readJson(req);
    for (const op of body['Operations'] as Array<{ value: Array<{ value: string }> }>) {
      for (const m of op.value) if (users.has(m.value)) group.members.add(m.value);
    }
    return send(res, 204);
  }
  if (resource === 'Groups' && group && req.method === 'GET') {
    return send(res, 200, {
      id: group.id,
      displayName: group.displayName,
      members: [...group.members].map((value) => ({ value })),
    });
  }
  return send(res, 404, { status: '404' });
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => send(res, 400, { status: '400' }));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}`, token: 'bare-token' });
});
process.on('message', (m: { type: string }) => {
  if (m.type === 'stop') server.close(() => process.exit(0));
});
