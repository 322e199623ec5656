#!/usr/bin/env node
// `pnpm gatehouse …` launcher. On a fresh clone, or when sources changed since the last build, it builds
// the gateway and the domain first — with the build's output on stderr, so that stdout carries only the
// command's own output (exactly one JSON document with --json).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const cli = here('../dist/cli.js');
const root = here('../../..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const stale =
  !existsSync(cli) ||
  Math.max(newestMtime(here('../src')), newestMtime(here('../../../packages/domain/src'))) >
    statSync(cli).mtimeMs;
if (stale) {
  // The CLI needs the domain and the gateway compiled, not the admin console.
  for (const pkg of ['@gatehouse/domain', '@gatehouse/gateway']) {
    const build = spawnSync('pnpm', ['--filter', pkg, 'run', 'build'], {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
}
await import(cli);
