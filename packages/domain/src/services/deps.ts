import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto.js';
import type { Database } from '../database.js';
import type { AuditLog } from './audit.js';

/** What every service is built from (wired by hand in the gateway's composition root). */
export interface ServiceDeps {
  db: Database;
  clock: Clock;
  audit: AuditLog;
  secrets: SecretBox;
}
