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

function closure(manifest, keys, seen = new Set()) {
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    closure(manifest, manifest[key]?.imports ?? [], seen);
  }
  return seen;
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
  const routes = Object.entries(manifest)
    .filter(([, chunk]) => chunk.isDynamicEntry && /Page\.vue$/.test(chunk.src ?? ''))
    .map(([key, chunk]) => {
      const extra = [...closure(manifest, [key])].filter((k) => !initial.has(k));
      const names = extra.map((k) => manifest[k].name ?? k);
      return {
        page: chunk.src.replace(/^src\//, ''),
        extraBytes: extra.reduce((sum, k) => sum + sizeOf(k), 0),
        chartJs: names.some((n) => /chart/i.test(n)) || extra.some((k) => /chart\.js/.test(k)),
      };
    })
    .sort((a, b) => a.page.localeCompare(b.page));
  return { initialBytes, initialFiles: [...initial].map((k) => manifest[k].file), routes, manifest };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const distDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  const { initialBytes, initialFiles, routes } = measure(distDir);
  console.log(
    `Initial JavaScript: ${kb(initialBytes)} gzip (budget ${kb(BUDGET_BYTES)}) — ${initialFiles.join(', ')}`,
  );
  for (const r of routes)
    console.log(`  + ${r.page.padEnd(44)} ${kb(r.extraBytes).padStart(9)} gzip on first visit`);
  if (initialBytes > BUDGET_BYTES) {
    console.error(`Over budget by ${kb(initialBytes - BUDGET_BYTES)}.`);
    process.exit(1);
  }
}
