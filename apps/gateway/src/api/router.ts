import { Router } from 'express';
import type { RouterDeps } from '../http/deps.js';

/** Mounted by buildApp; filled in by the api issue. */
export function apiRouter(_deps: RouterDeps): Router {
  return Router();
}
