// `pnpm test`: lint, typecheck and every package's tests through turbo, then one plain
// "N passed, N failed" line summed from each package's vitest JSON report (CI reads that line).
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

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
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
}
if (missing.length) console.log(`no test results from: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(turbo.status !== 0 || failed > 0 || missing.length ? 1 : 0);
