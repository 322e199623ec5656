// The configuration reaches the services the server and the CLI share (runtime.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openRuntime } from '../src/runtime.js';

it('the SCIM rate limit and the provisioning log’s retention come from the environment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-runtime-'));
  const config = loadConfig({
    DATABASE_URL: join(dir, 'runtime.db'),
    SCIM_RATE_LIMIT_PER_MINUTE: '120',
    SCIM_LOG_RETENTION_DAYS: '7',
  });
  const runtime = await openRuntime(config, {});
  try {
    expect(runtime.services.scimRateLimit.options).toMatchObject({ limit: 120, windowSeconds: 60 });
    expect(runtime.services.provisioningLog.options.retentionDays).toBe(7);
  } finally {
    await runtime.db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
