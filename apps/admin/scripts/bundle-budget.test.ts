// @vitest-environment node
// The issue 7 budget, measured on the build the admin `test` task runs after (turbo: test → build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUDGET_BYTES, measure } from './bundle-budget.mjs';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const built = existsSync(`${dist}/.vite/manifest.json`);

// Locally, `vitest` may run before any build; CI always builds first, so there a missing build fails.
describe.skipIf(!built && !process.env.CI)('bundle budget', () => {
  it('keeps the initial JavaScript under 150 KB gzip, with Chart.js out of the shell', () => {
    const { initialBytes, routes, chartJs } = measure(dist);
    console.info(`initial JavaScript ${(initialBytes / 1024).toFixed(1)} KB gzip`);
    expect(initialBytes).toBeLessThan(BUDGET_BYTES);
    expect(chartJs?.initial).toBe(false);
    // Only the chart route pulls Chart.js in.
    expect(routes.filter((r) => r.chartJs).map((r) => r.page)).toEqual(['features/home/HomePage.vue']);
  });
});
