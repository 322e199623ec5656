// `pnpm bench scim` (issue 4 "Performance"): the same SCIM requests against a bare node:http server
// answering from a Map (the in-run reference, so machine noise cancels out), then the real gateway
// on SQLite and on PostgreSQL (a fresh schema). Every answer is checked; figures and ratios are
// printed as a table at the end; the reference runs first and last and counts as the mean of the
// two. BENCH_LARGE=0 skips the 100,000-user figures;
// BENCH_TARGETS (e.g. `bare,postgres`) runs only the targets it names.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type RawRequest } from 'autocannon';
import { addMembers, entraUser, userName } from './entra.ts';

const CONCURRENCY = 32;
const WARM_UP = 1_000;
const USERS = 5_000;
const LOOKUPS = 20_000;
/** PATCHes of +100 new members per group; the phase fills GROUPS groups one after another. */
const PATCHES = 50;
/**
 * Four groups, so the sequential phase has 200 PATCHes. The reference answers one in about 0.4 ms,
 * so with 50 (then 100) its whole phase lasted 20 (40) ms, and one pause of this machine moved its
 * rate by a third between its first and last run (2,116 and 2,922 requests/s in one run).
 */
const GROUPS = 4;
const PAGES = 3_000;
const LARGE = 100_000;

interface Target {
  name: 'bare' | 'sqlite' | 'postgres';
  script: string;
  env: Record<string, string>;
}

interface Phase {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

interface TargetResult {
  name: string;
  phases: Record<string, Phase>;
  large?: Record<string, number | string>;
  maxRssMb?: number;
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

// ---- child processes ------------------------------------------------------------------------

interface Running {
  child: ChildProcess;
  url: string;
  token: string;
  request(message: object, reply: string): Promise<void>;
  stop(): Promise<void>;
}

function start(target: Target): Promise<Running> {
  const child = fork(target.script, [], {
    execArgv: target.script.endsWith('.ts') ? ['--import', 'tsx'] : [],
    env: { ...process.env, ...target.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${target.name} server exited with ${code}`)));
    child.once('message', (m: { type: string; url: string; token: string }) => {
      child.removeAllListeners('exit');
      resolve({
        child,
        url: m.url,
        token: m.token,
        request: (message, reply) =>
          new Promise((done) => {
            const on = (r: { type: string }) => {
              if (r.type !== reply) return;
              child.off('message', on);
              done();
            };
            child.on('message', on);
            child.send(message);
          }),
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.send({ type: 'stop' });
          }),
      });
    });
  });
}

/** Peak resident set size of a process, sampled from /proc (Linux). */
function rssSampler(pid: number | undefined): { stop(): number } {
  let max = 0;
  const sample = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      max = Math.max(max, kb / 1024);
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(sample, 200);
  sample();
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return Math.round(max);
    },
  };
}

// ---- load ------------------------------------------------------------------------------------

interface Load {
  connections: number;
  amount: number;
  /** The next request; `check` says whether its answer is right. */
  next(): { req: RawRequest; check(status: number, body: string): boolean };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * A pause before each measured phase, the same for every target: what a gateway defers (the
 * provisioning log's batches every 200 ms, SQLite's WAL checkpoints, PostgreSQL's VACUUM after
 * growth) ends before the next phase starts, so each phase's figures are its own workload's. Without
 * it the 20,000 lookups' log entries were still being written during the 50 PATCHes that then followed
 * them (about 100 ms of requests).
 */
const SETTLE_MS = 1_000;

async function run(target: Running, load: Load): Promise<Phase> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const latencies: number[] = [];
  let failures = 0;
  // Throughput from the first request sent to the last answer, without autocannon's start-up.
  let first: bigint | undefined;
  let last = 0n;
  await autocannon({
    url: target.url,
    connections: load.connections,
    amount: load.amount,
    timeout: 60,
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/scim+json' },
    requests: [
      {
        // autocannon may build a request it never sends (one per connection, at the start and the
        // end), so loads key their checks by what was answered, never by what was built.
        setupRequest: (defaults, context) => {
          const { req, check } = load.next();
          context['check'] = check;
          context['at'] = process.hrtime.bigint();
          first ??= context['at'] as bigint;
          return { ...defaults, ...req };
        },
        onResponse: (status, body, context) => {
          last = process.hrtime.bigint();
          latencies.push(Number(last - (context['at'] as bigint)) / 1e6);
          if (!(context['check'] as (s: number, b: string) => boolean)(status, body)) failures += 1;
        },
      },
    ],
  });
  const seconds = Number(last - (first ?? last)) / 1e9 || 1e-9;
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / seconds),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    requests: latencies.length,
    failures: failures + Math.max(0, load.amount - latencies.length),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
const parse = (body: string) =>
  JSON.parse(body) as Record<string, unknown> & { Resources?: Array<Record<string, unknown>> };

/** Creates users `from`, `from + 1`…; each one answered 201 is recorded in `created` (index → id). */
function creates(from: number, count: number, created: Map<number, string>): Load {
  let n = from;
  return {
    connections: CONCURRENCY,
    amount: count,
    next: () => {
      const i = n++;
      return {
        req: { method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(entraUser(i)) },
        check: (status, body) => {
          if (status !== 201) return false;
          const user = parse(body);
          created.set(i, String(user['id']));
          return user['userName'] === userName(i);
        },
      };
    },
  };
}

function lookups(population: number[], amount: number, connections: number): Load {
  return {
    connections,
    amount,
    next: () => {
      const name = userName(population[Math.floor(Math.random() * population.length)] ?? 0);
      return {
        req: { method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}` },
        check: (status, body) => {
          const list = parse(body);
          return status === 200 && list['totalResults'] === 1 && list.Resources?.[0]?.['userName'] === name;
        },
      };
    },
  };
}

/** `patches` PATCHes adding the next 100 of `ids` (from `from`) to each group in turn, one group after another. */
function memberAdds(groupIds: string[], ids: string[], from: number, patches: number): Load {
  let sent = 0;
  return {
    connections: 1,
    amount: patches * groupIds.length,
    next: () => {
      const groupId = groupIds[Math.floor(sent / patches)] ?? '';
      const at = from + (sent % patches) * 100;
      sent += 1;
      const batch = ids.slice(at, at + 100);
      return {
        req: { method: 'PATCH', path: `/scim/v2/Groups/${groupId}`, body: JSON.stringify(addMembers(batch)) },
        check: (status) => status === 204 && batch.length === 100,
      };
    },
  };
}

function pages(population: number, amount: number): Load {
  return {
    connections: CONCURRENCY,
    amount,
    next: () => {
      const startIndex = 1 + Math.floor(Math.random() * (population - 100));
      return {
        req: { method: 'GET', path: `/scim/v2/Users?startIndex=${startIndex}&count=100` },
        check: (status, body) => {
          const list = parse(body);
          return (
            status === 200 &&
            list['itemsPerPage'] === 100 &&
            list['startIndex'] === startIndex &&
            list.Resources?.length === 100
          );
        },
      };
    },
  };
}

async function call(
  target: Running,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${target.url}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: round(Number(process.hrtime.bigint() - started) / 1e6), value };
}

// ---- the suite -------------------------------------------------------------------------------

async function benchTarget(target: Target, large: boolean): Promise<TargetResult> {
  const running = await start(target);
  const rss = target.name === 'bare' ? undefined : rssSampler(running.child.pid);
  const result: TargetResult = { name: target.name, phases: {} };
  try {
    process.stdout.write(`\n${target.name}: warming up with ${WARM_UP} users…\n`);
    const created = new Map<number, string>();
    const warm = await run(running, creates(0, WARM_UP, created));
    if (warm.failures) throw new Error(`${target.name}: ${warm.failures} warm-up creates failed`);
    result.phases['creates'] = await run(running, creates(2 * WARM_UP, USERS, created));
    const total = await call(running, 'GET', '/Users?count=0');
    // Gateways also list the tenant's owner, invited at tenant creation.
    if (Number(total.body['totalResults']) < WARM_UP + USERS) result.phases['creates'].failures += 1;
    const population = [...created.keys()];
    const ids = [...created.values()];
    result.phases['lookups'] = await run(running, lookups(population, LOOKUPS, CONCURRENCY));
    const groupIds: string[] = [];
    for (let g = 0; g < GROUPS; g += 1) {
      const group = await call(running, 'POST', '/Groups', { displayName: `Bench group ${g}` });
      groupIds.push(String(group.body['id']));
    }
    result.phases['patch +100'] = await run(running, memberAdds(groupIds, ids, 0, PATCHES));
    for (const groupId of groupIds) {
      const members = await call(running, 'GET', `/Groups/${groupId}?attributes=members`);
      if ((members.body['members'] as unknown[] | undefined)?.length !== PATCHES * 100)
        result.phases['patch +100'].failures += 1;
    }
    result.phases['pages of 100'] = await run(running, pages(population.length, PAGES));
    if (large && target.name !== 'bare') result.large = await largeFigures(running, ids, population);
  } finally {
    await running.stop();
    if (rss) result.maxRssMb = rss.stop();
  }
  return result;
}

/** 100,000 users: lookup p99 at concurrency 4, +100 members on a 10,000-member group, first vs last page. */
async function largeFigures(
  running: Running,
  ids: string[],
  population: number[],
): Promise<Record<string, number | string>> {
  const SEEDED_FROM = 1_000_000;
  const seeded = LARGE - population.length;
  process.stdout.write(`  seeding to ${LARGE} users…\n`);
  await running.request({ type: 'seed', from: SEEDED_FROM, count: seeded }, 'seeded');
  const everyone = [...population, ...Array.from({ length: seeded }, (_, i) => SEEDED_FROM + i)];
  const lookup = await run(running, lookups(everyone, 5_000, 4));
  const group = String((await call(running, 'POST', '/Groups', { displayName: 'Ten thousand' })).body['id']);
  // The created users' ids come from their creates; seeded ones are found by a lookup each.
  const all = [...ids];
  for (let n = SEEDED_FROM; all.length < 15_000; n += 1) {
    const found = await call(
      running,
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${userName(n)}"`)}&attributes=id`,
    );
    all.push(String((found.body['Resources'] as Array<{ id: string }>)[0]?.id));
  }
  const fill = await run(running, memberAdds([group], all, 0, 100));
  const adds = await run(running, memberAdds([group], all, 10_000, PATCHES));
  const first = await timed(() => call(running, 'GET', '/Users?startIndex=1&count=100'));
  const lastIndex = LARGE + 1 - 100;
  const coldLast = await timed(() => call(running, 'GET', `/Users?startIndex=${lastIndex}&count=100`));
  // The walk an IdP does: page after page; the last ones are the ones that grow with OFFSET.
  const walk: number[] = [];
  let lastWalk = 0;
  for (let start = 1; start <= LARGE + 1; start += 100) {
    const page = await timed(() => call(running, 'GET', `/Users?startIndex=${start}&count=100`));
    walk.push(page.ms);
    if (start >= lastIndex) lastWalk = page.ms;
  }
  walk.sort((a, b) => a - b);
  return {
    'lookup p99 (c=4)': lookup.p99,
    'lookup failures': lookup.failures,
    '+100 on 10k group p99': adds.p99,
    'member add failures': fill.failures + adds.failures,
    'first page ms': first.ms,
    'last page ms (cold jump)': coldLast.ms,
    'last page ms (walk)': lastWalk,
    'walk p50 / max ms': `${percentile(walk, 50)} / ${walk.at(-1) ?? 0}`,
  };
}

/** Two runs of one target as one: each figure the mean of the two; the bare req/s of both kept for the table. */
function meanOf(a: TargetResult, b: TargetResult): TargetResult {
  const phases: Record<string, Phase> = {};
  for (const [name, p] of Object.entries(a.phases)) {
    const q = b.phases[name] ?? p;
    phases[name] = {
      rps: Math.round((p.rps + q.rps) / 2),
      p50: round((p.p50 + q.p50) / 2),
      p99: round((p.p99 + q.p99) / 2),
      requests: p.requests + q.requests,
      failures: p.failures + q.failures,
    };
    runs.set(name, [p.rps, q.rps]);
  }
  return { name: a.name, phases };
}

/** The reference's req/s in its first and last run, per workload. */
const runs = new Map<string, [number, number]>();

function printTable(results: TargetResult[]): void {
  const bare = results.find((r) => r.name === 'bare');
  const targets = { creates: 0.5, lookups: 0.5, 'patch +100': 0.2, 'pages of 100': 0.3 } as const;
  const lines: string[] = [];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  lines.push(
    `\n${'workload'.padEnd(14)}${'target'.padEnd(10)}${pad('req/s', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('ratio', 8)}${pad('goal', 7)}${pad('checked', 10)}`,
  );
  for (const phase of Object.keys(targets) as Array<keyof typeof targets>) {
    for (const r of results) {
      const p = r.phases[phase];
      if (!p) continue;
      const ratio = bare && r !== bare ? p.rps / (bare.phases[phase]?.rps || 1) : undefined;
      const ok = p.failures === 0 ? `${p.requests} ok` : `${p.failures} BAD`;
      lines.push(
        `${phase.padEnd(14)}${r.name.padEnd(10)}${pad(p.rps, 9)}${pad(p.p50, 9)}${pad(p.p99, 9)}${pad(ratio === undefined ? '' : `${Math.round(ratio * 100)}%`, 8)}${pad(ratio === undefined ? '' : `≥${targets[phase] * 100}%`, 7)}${pad(ok, 10)}`,
      );
    }
  }
  if (runs.size > 0) {
    const each = [...runs].map(([name, [a, b]]) => `${name} ${a} / ${b}`).join(', ');
    lines.push(`\nbare is the mean of its first and last run (req/s first / last: ${each}).`);
  }
  for (const r of results) {
    if (r.large) {
      lines.push(`\n${r.name} at ${LARGE.toLocaleString('en')} users:`);
      for (const [k, v] of Object.entries(r.large)) lines.push(`  ${k.padEnd(28)} ${v}`);
    }
    if (r.maxRssMb !== undefined) lines.push(`${r.name} gateway peak RSS: ${r.maxRssMb} MB (goal < 300 MB)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function runScimBench(): Promise<void> {
  const large = process.env['BENCH_LARGE'] !== '0';
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const postgres =
    process.env['DATABASE_URL_TEST'] ||
    process.env['DATABASE_URL'] ||
    'postgres://postgres@127.0.0.1:5432/test';
  const targets: Target[] = [
    { name: 'bare', script: here('./bare-server.ts'), env: {} },
    { name: 'sqlite', script: here('./gateway-server.mjs'), env: { BENCH_DB_URL: join(dir, 'bench.db') } },
    {
      name: 'postgres',
      script: here('./gateway-server.mjs'),
      env: { BENCH_DB_URL: postgres, BENCH_DB_SCHEMA: `bench_${Date.now().toString(36)}` },
    },
  ];
  const started = Date.now();
  const results: TargetResult[] = [];
  try {
    // BENCH_TARGETS=bare,postgres runs some targets only (the reference is then from the same run).
    const only = process.env['BENCH_TARGETS']?.split(',');
    for (const target of targets) {
      if (!only || only.includes(target.name)) results.push(await benchTarget(target, large));
    }
    // The reference runs first and again last, and counts as the mean of the two: this machine's
    // speed drifts over a run, and a reference taken only before the gateways would carry the drift
    // into their ratios (in either direction).
    const first = results.find((r) => r.name === 'bare');
    if (first && results.length > 1) {
      const last = await benchTarget(targets[0] as Target, false);
      results.splice(results.indexOf(first), 1, meanOf(first, last));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(results);
  process.stdout.write(
    `\nTotal time ${Math.round((Date.now() - started) / 1000)} s; ${CONCURRENCY} connections unless noted; Node ${process.version}.\n`,
  );
}
