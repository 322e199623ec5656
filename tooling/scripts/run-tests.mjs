// `pnpm test`: lint, typecheck and every package's tests through turbo, the formatting of the files
// no package owns, then one plain "N passed, N failed" line summed from each package's vitest JSON
// report (CI reads that line).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const packages = ['packages/domain', 'apps/gateway', 'apps/admin'];
for (const p of packages) rmSync(join(root, p, 'test-results.json'), { force: true });

const turbo = spawnSync('pnpm', ['exec', 'turbo', 'run', 'lint', 'typecheck', 'test', '--continue'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});

// Each package's lint checks its own formatting; this covers the rest (README, tooling, root config).
const format = spawnSync(
  'pnpm',
  ['exec', 'prettier', '--check', '.', '--ignore-path', '.gitignore', '--ignore-path', '.prettierignore'],
  { cwd: root, stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
const failures = [];
for (const p of packages) {
  const file = join(root, p, 'test-results.json');
  if (!existsSync(file)) {
    missing.push(p);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  for (const suite of r.testResults ?? []) {
    const file = suite.name.slice(root.length);
    for (const t of suite.assertionResults ?? []) {
      if (t.status !== 'failed') continue;
      const why = (t.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
      failures.push(`FAILED ${file} > ${t.fullName}\n    ${why}`);
    }
    // A file that failed to load has no assertions but a message of its own.
    if (suite.status === 'failed' && !(suite.assertionResults ?? []).length) {
      failures.push(`FAILED ${file}\n    ${(suite.message ?? '').split('\n')[0].slice(0, 300)}`);
    }
  }
}
// Repeated at the end so the tail of a CI log names what failed.
for (const f of failures) console.log(f);
if (missing.length) console.log(`no test results from: ${missing.join(', ')}`);
if (format.status !== 0) console.log('FAILED formatting: run `pnpm format`');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(turbo.status !== 0 || format.status !== 0 || failed > 0 || missing.length ? 1 : 0);
