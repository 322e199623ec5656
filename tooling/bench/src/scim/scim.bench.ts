// `pnpm bench scim` (issue 4 "Performance"): the same SCIM requests against a bare node:http server
// answering from a Map (the in-run reference, so machine noise cancels out), then the real gateway
// on SQLite and on PostgreSQL (a fresh schema). Every answer is checked; figures and ratios are
// printed as a table at the end. The reference runs each phase just before and just after each
// gateway's (see `interleaved`). BENCH_LARGE=0 skips the 100,000-user figures;
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
  /** A gateway's reference per phase (see `interleaved`). */
  references?: Record<string, Reference>;
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

/** One running target and what its phases have made so far. */
interface Session {
  target: Target;
  running: Running;
  rss?: { stop(): number };
  /** User number → id, for every user its creates made. */
  created: Map<number, string>;
  /** The next user number a create phase starts at. */
  nextUser: number;
  /** The created users the lookups, PATCHes and pages work on: those of the first create phase. */
  population: number[];
  /** How many PATCH phases ran (each fills new groups). */
  patchRuns: number;
}

async function open(target: Target): Promise<Session> {
  const running = await start(target);
  const session: Session = {
    target,
    running,
    rss: target.name === 'bare' ? undefined : rssSampler(running.child.pid),
    created: new Map(),
    nextUser: 0,
    population: [],
    patchRuns: 0,
  };
  process.stdout.write(`${target.name}: warming up with ${WARM_UP} users…\n`);
  const warm = await run(running, creates(session.nextUser, WARM_UP, new Map()));
  if (warm.failures) throw new Error(`${target.name}: ${warm.failures} warm-up creates failed`);
  session.nextUser += WARM_UP;
  return session;
}

type PhaseName = 'creates' | 'lookups' | 'patch +100' | 'pages of 100';

/** The measured phases, in order; each checks what it wrote where a response alone cannot tell. */
const PHASES: Record<PhaseName, (s: Session) => Promise<Phase>> = {
  creates: async (s) => {
    const from = s.nextUser;
    s.nextUser += USERS;
    const made = new Map<number, string>();
    const phase = await run(s.running, creates(from, USERS, made));
    for (const [n, id] of made) s.created.set(n, id);
    if (s.population.length === 0) s.population = [...made.keys()];
    const total = await call(s.running, 'GET', '/Users?count=0');
    // Gateways also list the tenant's owner, invited at tenant creation.
    if (Number(total.body['totalResults']) < WARM_UP + s.created.size) phase.failures += 1;
    return phase;
  },
  lookups: (s) => run(s.running, lookups(s.population, LOOKUPS, CONCURRENCY)),
  'patch +100': async (s) => {
    const ids = s.population.map((n) => s.created.get(n) ?? '');
    const groupIds: string[] = [];
    for (let g = 0; g < GROUPS; g += 1) {
      const group = await call(s.running, 'POST', '/Groups', {
        displayName: `Bench group ${s.patchRuns}.${g}`,
      });
      groupIds.push(String(group.body['id']));
    }
    s.patchRuns += 1;
    const phase = await run(s.running, memberAdds(groupIds, ids, 0, PATCHES));
    for (const groupId of groupIds) {
      const members = await call(s.running, 'GET', `/Groups/${groupId}?attributes=members`);
      if ((members.body['members'] as unknown[] | undefined)?.length !== PATCHES * 100) phase.failures += 1;
    }
    return phase;
  },
  'pages of 100': (s) => run(s.running, pages(s.population.length, PAGES)),
};

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

/**
 * Each gateway phase's reference: the bare server's same phase run just before and just after it,
 * as the mean of the two. This machine's speed drifts within a run (the reference's creates moved
 * from 7,721 to 10,835 requests/s between the first and the last target of one run), so a reference
 * taken a minute away carried that drift into the ratio; taken seconds away, it does not.
 */
interface Reference {
  rps: number;
  runs: [number, number];
}

function printTable(results: TargetResult[]): void {
  const targets = { creates: 0.5, lookups: 0.5, 'patch +100': 0.2, 'pages of 100': 0.3 } as const;
  const lines: string[] = [];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  lines.push(
    `\n${'workload'.padEnd(14)}${'target'.padEnd(10)}${pad('req/s', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('ref req/s', 18)}${pad('ratio', 8)}${pad('goal', 7)}${pad('checked', 10)}`,
  );
  for (const phase of Object.keys(targets) as Array<keyof typeof targets>) {
    for (const r of results) {
      const p = r.phases[phase];
      if (!p) continue;
      const ref = r.references?.[phase];
      const ratio = ref ? p.rps / (ref.rps || 1) : undefined;
      const ok = p.failures === 0 ? `${p.requests} ok` : `${p.failures} BAD`;
      lines.push(
        `${phase.padEnd(14)}${r.name.padEnd(10)}${pad(p.rps, 9)}${pad(p.p50, 9)}${pad(p.p99, 9)}${pad(ref ? `${ref.rps} (${ref.runs[0]}/${ref.runs[1]})` : '', 18)}${pad(ratio === undefined ? '' : `${Math.round(ratio * 100)}%`, 8)}${pad(ratio === undefined ? '' : `≥${targets[phase] * 100}%`, 7)}${pad(ok, 10)}`,
      );
    }
  }
  if (results.some((r) => r.references)) {
    lines.push(
      "\nref: the bare server's same phase just before and just after the row's (mean, then the two runs);",
      'the bare rows are the mean of all its runs.',
    );
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

/** The mean of several runs of one phase (the bare server's row). */
function meanPhase(runs: Phase[]): Phase {
  const mean = (f: (p: Phase) => number) => runs.reduce((sum, p) => sum + f(p), 0) / runs.length;
  return {
    rps: Math.round(mean((p) => p.rps)),
    p50: round(mean((p) => p.p50)),
    p99: round(mean((p) => p.p99)),
    requests: runs.reduce((sum, p) => sum + p.requests, 0),
    failures: runs.reduce((sum, p) => sum + p.failures, 0),
  };
}

/**
 * Phase by phase, the bare server, then each gateway followed by the bare server again (bare,
 * SQLite, bare, PostgreSQL, bare), so that every gateway phase has a reference measured seconds
 * before and after it; then the 100,000-user figures of each gateway.
 */
async function interleaved(selected: Target[], large: boolean): Promise<TargetResult[]> {
  const sessions: Session[] = [];
  try {
    for (const target of selected) sessions.push(await open(target));
    const bare = sessions.find((s) => s.target.name === 'bare');
    const gateways = sessions.filter((s) => s !== bare);
    const results = new Map<Session, TargetResult>(
      sessions.map((s) => [
        s,
        { name: s.target.name, phases: {}, ...(s === bare ? {} : { references: {} }) },
      ]),
    );
    const bareRuns: Partial<Record<PhaseName, Phase[]>> = {};
    for (const name of Object.keys(PHASES) as PhaseName[]) {
      process.stdout.write(`${name}…\n`);
      const runs: Phase[] = [];
      if (bare) runs.push(await PHASES[name](bare));
      for (const gateway of gateways) {
        const result = results.get(gateway) as TargetResult;
        result.phases[name] = await PHASES[name](gateway);
        if (!bare) continue;
        runs.push(await PHASES[name](bare));
        const before = runs.at(-2) as Phase;
        const after = runs.at(-1) as Phase;
        (result.references as Record<string, Reference>)[name] = {
          rps: Math.round((before.rps + after.rps) / 2),
          runs: [before.rps, after.rps],
        };
      }
      bareRuns[name] = runs;
    }
    if (bare) {
      const result = results.get(bare) as TargetResult;
      for (const [name, runs] of Object.entries(bareRuns)) result.phases[name] = meanPhase(runs);
    }
    if (large) {
      for (const gateway of gateways) {
        process.stdout.write(`${gateway.target.name}: 100,000 users…\n`);
        const ids = gateway.population.map((n) => gateway.created.get(n) ?? '');
        (results.get(gateway) as TargetResult).large = await largeFigures(
          gateway.running,
          ids,
          gateway.population,
        );
      }
    }
    for (const session of sessions.splice(0)) {
      await session.running.stop();
      const rss = session.rss?.stop();
      if (rss !== undefined) (results.get(session) as TargetResult).maxRssMb = rss;
    }
    return [...results.values()];
  } finally {
    for (const session of sessions) session.running.child.kill();
  }
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
  let results: TargetResult[];
  try {
    // BENCH_TARGETS=bare,postgres runs some targets only (the reference is then from the same run).
    const only = process.env['BENCH_TARGETS']?.split(',');
    results = await interleaved(
      targets.filter((t) => !only || only.includes(t.name)),
      large,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(results);
  process.stdout.write(
    `\nTotal time ${Math.round((Date.now() - started) / 1000)} s; ${CONCURRENCY} connections unless noted; Node ${process.version}.\n`,
  );
}
