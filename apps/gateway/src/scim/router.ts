import { Router } from 'express';
import type { RouterDeps } from '../http/deps.js';

/** Mounted by buildApp; filled in by the scim issue. */
export function scimRouter(_deps: RouterDeps): Router {
  return Router();
}
