import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PreparedDatabase } from '@gatehouse/vitest-config';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The DATABASE_URL a child process needs to land in the prepared database (its own PG schema). */
export function databaseUrlFor(prepared: PreparedDatabase): string {
  if (!prepared.schema) return prepared.url;
  const sep = prepared.url.includes('?') ? '&' : '?';
  return `${prepared.url}${sep}options=${encodeURIComponent(`-c search_path=${prepared.schema}`)}`;
}

/** Runs the built CLI (`node dist/cli.js …`) as an operator would. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', PUBLIC_URL: 'https://gatehouse.example', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
