#!/usr/bin/env node
// Measures the built SPA against the issue 7 budget: the JavaScript a first visit downloads before any
// route (the entry chunk and its static imports) must stay under 150 KB gzip. Also prints each route's
// extra JavaScript, to show Naive UI and Chart.js stay out of the shell. Exits 1 over budget.
import console from 'node:console';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 150 * 1024;

/** Chunks the manifest entry loads before anything else: itself and its static imports, transitively. */
export function initialChunks(manifest) {
  const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry);
  if (!entry) throw new Error('The manifest has no entry chunk.');
  return closure(manifest, [entry[0]]);
}

function closure(manifest, keys, seen = new Set(), dynamic = false) {
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const chunk = manifest[key] ?? {};
    closure(
      manifest,
      [...(chunk.imports ?? []), ...(dynamic ? (chunk.dynamicImports ?? []) : [])],
      seen,
      dynamic,
    );
  }
  return seen;
}

/** The chunk holding Chart.js (src/features/home/components/charts.ts registers it). */
function chartChunk(manifest) {
  return Object.keys(manifest).find((key) => /^_charts-/.test(key)) ?? null;
}

export function measure(distDir) {
  const manifestPath = join(distDir, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run the admin build first.`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const gz = new Map();
  const sizeOf = (key) => {
    if (!gz.has(key))
      gz.set(key, gzipSync(readFileSync(join(distDir, manifest[key].file)), { level: 9 }).length);
    return gz.get(key);
  };
  const initial = initialChunks(manifest);
  const initialBytes = [...initial].reduce((sum, key) => sum + sizeOf(key), 0);
  // A route's page is a dynamic import of the entry; its cost is what it adds to the initial chunks.
  const charts = chartChunk(manifest);
  const routes = Object.entries(manifest)
    .filter(([, chunk]) => chunk.isDynamicEntry && /Page\.vue$/.test(chunk.src ?? ''))
    .map(([key, chunk]) => {
      const extra = [...closure(manifest, [key])].filter((k) => !initial.has(k));
      return {
        page: chunk.src.replace(/^src\//, ''),
        extraBytes: extra.reduce((sum, k) => sum + sizeOf(k), 0),
        // Statically or through its own lazy components (not through the shell, which lazy-loads every
        // page): does visiting this page ever load Chart.js?
        chartJs: charts !== null && closure(manifest, [key], new Set(initial), true).has(charts),
      };
    })
    .sort((a, b) => a.page.localeCompare(b.page));
  return {
    initialBytes,
    initialFiles: [...initial].map((k) => manifest[k].file),
    routes,
    chartJs: charts && { file: manifest[charts].file, bytes: sizeOf(charts), initial: initial.has(charts) },
  };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const distDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  const { initialBytes, initialFiles, routes, chartJs } = measure(distDir);
  console.log(
    `Initial JavaScript: ${kb(initialBytes)} gzip (budget ${kb(BUDGET_BYTES)}) — ${initialFiles.join(', ')}`,
  );
  for (const r of routes) {
    const note = r.chartJs ? ' (+ Chart.js once its charts render)' : '';
    console.log(`  + ${r.page.padEnd(44)} ${kb(r.extraBytes).padStart(9)} gzip on first visit${note}`);
  }
  if (chartJs)
    console.log(
      `Chart.js: ${chartJs.file}, ${kb(chartJs.bytes)} gzip, in the initial chunks: ${chartJs.initial}`,
    );
  if (initialBytes > BUDGET_BYTES || chartJs?.initial) {
    console.error(
      `Over budget: ${kb(initialBytes)} initial${chartJs?.initial ? ', Chart.js in the shell' : ''}.`,
    );
    process.exit(1);
  }
}
