import { Router } from 'express';
import type { RouterDeps } from '../http/deps.js';

/** Mounted by buildApp; filled in by the auth issue. */
export function authRouter(_deps: RouterDeps): Router {
  return Router();
}
