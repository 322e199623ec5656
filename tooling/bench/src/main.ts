// `pnpm bench <suite>`: runs one benchmark suite (default `scim`). Benchmarks never run in `pnpm test`.
import { runApiBench } from './api-audit.ts';
import { runScimBench } from './scim/scim.bench.ts';

const SUITES: Record<string, () => Promise<void>> = { scim: runScimBench, api: runApiBench };

const name = process.argv[2] ?? 'scim';
const suite = SUITES[name];
if (!suite) {
  process.stderr.write(`Unknown benchmark suite "${name}". Suites: ${Object.keys(SUITES).join(', ')}\n`);
  process.exit(2);
}
await suite();
