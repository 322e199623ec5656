// `pnpm bench api`: the audit log over 1,000,000 rows, on SQLite and on PostgreSQL.
//  - pages: GET /api/audit-events (50 rows) at the top, at random keyset cursors through the million,
//    and with the actor / action / team / time filters; p50/p95/p99 latency for one client (budget: p95
//    < 50 ms) and for 8 at once (reported). The machine's load average is printed with the figures.
//  - export: GET /api/audit-events/export?format=csv of all of it, with the gateway's RSS before, at
//    its peak during the stream and after (the gateway reports them over IPC); then a client that stops
//    reading mid-stream, to show backpressure holds the server's memory still.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTIONS, ACTORS, AUDIT_ROWS, TEAMS, cursorAfter } from './api-audit-rows.ts';

const P95_BUDGET_MS = 50;
/** One person paging (the budget), then several admins and scripts at once (for the record). */
const CONCURRENCY_LEVELS = [1, 8];
const SCENARIO_SECONDS = 5;
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

interface Ready {
  url: string;
  cookie: string;
  dialect: string;
}

interface Gateway extends Ready {
  child: ChildProcess;
  request<T>(message: object, reply: string): Promise<T>;
  stop(): Promise<void>;
}

async function startGateway(env: Record<string, string>): Promise<Gateway> {
  const child = fork(fileURLToPath(new URL('./api-gateway-server.ts', import.meta.url)), {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`gateway exited with ${code}`));
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next<Ready>('ready');
  return {
    ...ready,
    child,
    request: <T>(message: object, reply: string) => {
      const answer = next<T>(reply);
      child.send(message);
      return answer;
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

interface Latencies {
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

/** `clients` clients, each sending its next request when the last answered, for SCENARIO_SECONDS. */
async function load(gw: Gateway, path: () => string, clients: number): Promise<Latencies> {
  const samples: number[] = [];
  let errors = 0;
  const until = performance.now() + SCENARIO_SECONDS * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      const res = await fetch(`${gw.url}${path()}`, { headers: { cookie: gw.cookie } });
      await res.arrayBuffer();
      if (res.status !== 200) errors += 1;
      samples.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0) * 10) / 10;
  return {
    requests: samples.length,
    perSecond: Math.round(samples.length / SCENARIO_SECONDS),
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    errors,
  };
}

const pick = (n: number) => Math.floor(Math.random() * n);

const SCENARIOS: Array<[string, () => string]> = [
  ['first page', () => '/api/audit-events?limit=50'],
  [
    'random keyset cursor',
    () => `/api/audit-events?limit=50&cursor=${cursorAfter(1 + pick(AUDIT_ROWS - 1))}`,
  ],
  [
    'filter actor + cursor',
    () =>
      `/api/audit-events?limit=50&actorId=actor-${pick(ACTORS)}&cursor=${cursorAfter(1 + pick(AUDIT_ROWS - 1))}`,
  ],
  ['filter action', () => `/api/audit-events?limit=50&action=${ACTIONS[pick(ACTIONS.length)]}`],
  [
    'filter team + cursor',
    () =>
      `/api/audit-events?limit=50&teamId=team-${pick(TEAMS)}&cursor=${cursorAfter(1 + pick(AUDIT_ROWS - 1))}`,
  ],
  [
    'time range (one day)',
    () => {
      const day = new Date(Date.UTC(2025, 0, 1 + pick(340)));
      const next = new Date(day.getTime() + 86_400_000);
      return `/api/audit-events?limit=50&from=${day.toISOString()}&to=${next.toISOString()}`;
    },
  ],
];

const MiB = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The gateway's own view of its memory: RSS and live JS heap, in MiB. */
async function memory(gw: Gateway): Promise<{ rss: number; heap: number }> {
  const m = await gw.request<{ rss: number; heapUsed: number }>({ type: 'memory' }, 'memory');
  return { rss: MiB(m.rss), heap: MiB(m.heapUsed) };
}

interface ExportFigures {
  seconds: number;
  rows: number;
  mib: number;
  before: { rss: number; heap: number };
  peak: { rss: number; heap: number };
  after: { rss: number; heap: number };
}

/** Samples the gateway's memory every 100 ms while `work` runs; returns the peaks. */
async function sampled<T>(
  gw: Gateway,
  work: () => Promise<T>,
): Promise<{ result: T; peak: { rss: number; heap: number } }> {
  const peak = { rss: 0, heap: 0 };
  let running = true;
  const sampler = (async () => {
    while (running) {
      const m = await memory(gw);
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heap);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    return { result: await work(), peak };
  } finally {
    running = false;
    await sampler;
  }
}

async function exportAll(gw: Gateway): Promise<ExportFigures> {
  const before = await memory(gw);
  const started = performance.now();
  const { result, peak } = await sampled(gw, async () => {
    const res = await fetch(`${gw.url}/api/audit-events/export?format=csv`, {
      headers: { cookie: gw.cookie },
    });
    let bytes = 0;
    let newlines = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (const b of chunk) if (b === 10) newlines += 1;
    }
    return { bytes, rows: newlines - 1 };
  });
  return {
    seconds: Math.round((performance.now() - started) / 100) / 10,
    rows: result.rows,
    mib: Math.round(result.bytes / 1024 / 1024),
    before,
    peak,
    after: await memory(gw),
  };
}

/** A client that reads one chunk and then stops: the server must wait on `drain`, not buffer the rest. */
async function stalledExport(gw: Gateway): Promise<Array<{ rss: number; heap: number }>> {
  const controller = new AbortController();
  const res = await fetch(`${gw.url}/api/audit-events/export?format=ndjson`, {
    headers: { cookie: gw.cookie },
    signal: controller.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  const readings = [];
  for (let second = 0; second <= 3; second++) {
    if (second > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
    readings.push(await memory(gw));
  }
  controller.abort();
  await reader.cancel().catch(() => undefined);
  return readings;
}

async function runDialect(name: string, env: Record<string, string>): Promise<boolean> {
  const gw = await startGateway(env);
  try {
    process.stdout.write(`\n== ${name}: seeding ${AUDIT_ROWS.toLocaleString('en')} audit rows… `);
    const { ms } = await gw.request<{ ms: number }>({ type: 'seed', count: AUDIT_ROWS }, 'seeded');
    process.stdout.write(`${(ms / 1000).toFixed(1)} s\n`);
    await load(gw, () => '/api/audit-events?limit=50', 2); // warm-up
    let ok = true;
    for (const clients of CONCURRENCY_LEVELS) {
      const [one, two, three] = loadavg().map((l) => l.toFixed(1));
      console.log(
        `page latency (50 rows), ${clients} client(s), ${SCENARIO_SECONDS} s each, in ms; machine load ${one} ${two} ${three} on ${cpus().length} CPUs:`,
      );
      for (const [label, path] of SCENARIOS) {
        const r = await load(gw, path, clients);
        const budgeted = clients === 1;
        const within = r.p95 < P95_BUDGET_MS && r.errors === 0;
        if (budgeted) ok &&= within;
        const verdict = budgeted ? (within ? 'within budget' : 'OVER BUDGET') : '';
        console.log(
          `  ${label.padEnd(24)} p50 ${String(r.p50).padStart(6)}  p95 ${String(r.p95).padStart(6)}  p99 ${String(r.p99).padStart(6)}  ${String(r.perSecond).padStart(5)} req/s  ${r.errors} errors  ${verdict}`,
        );
      }
    }
    const e = await exportAll(gw);
    console.log(
      `CSV export: ${e.rows.toLocaleString('en')} rows, ${e.mib} MiB in ${e.seconds} s; gateway RSS ${e.before.rss} MiB before, ${e.peak.rss} peak, ${e.after.rss} after; JS heap ${e.before.heap} MiB before, ${e.peak.heap} peak, ${e.after.heap} after`,
    );
    ok &&= e.rows >= AUDIT_ROWS;
    const stalled = await stalledExport(gw);
    console.log(
      `stalled client (reads one chunk, then nothing): gateway RSS/heap each second ${stalled.map((m) => `${m.rss}/${m.heap}`).join(', ')} MiB`,
    );
    return ok;
  } finally {
    await gw.stop();
  }
}

export async function runApiBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-api-'));
  let ok = true;
  try {
    ok = (await runDialect('SQLite', { BENCH_DB_URL: join(dir, 'bench.db') })) && ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.env['GATEHOUSE_SKIP_POSTGRES'] === '1') {
    console.log('\n== PostgreSQL: skipped (GATEHOUSE_SKIP_POSTGRES=1)');
  } else {
    const url = process.env['DATABASE_URL_TEST'] || LOCAL_POSTGRES;
    const schema = `bench_${Date.now().toString(36)}`;
    ok = (await runDialect('PostgreSQL', { BENCH_DB_URL: url, BENCH_DB_SCHEMA: schema })) && ok;
  }
  console.log(ok ? '\nall within budget' : '\nsome figures are over budget');
  if (!ok) process.exitCode = 1;
}
