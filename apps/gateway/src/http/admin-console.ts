import { join } from 'node:path';
import express, {
  type Request,
  type Response,
  type NextFunction,
  type RequestHandler,
  type Router,
} from 'express';

// Vite fingerprints every file under assets/, so a name never changes content.
const IMMUTABLE = 'public, max-age=31536000, immutable';
// index.html names the current fingerprints: revalidate it on every load so a deploy is picked up.
const REVALIDATE = 'no-cache';

// Paths the SPA never owns: APIs answer their own 404s, and a missing asset must not become index.html.
const NOT_SPA = /^\/(api|scim|assets)(\/|$)/;

const NOT_BUILT =
  'The Gatehouse admin console is not built.\n\nRun `pnpm build` in the repository root, then reload this page.\n';

/**
 * Serves the built admin SPA from `distDir` and answers every other GET with its index.html,
 * so client-side routes survive a reload. The directory is looked up per request: building the
 * SPA after the gateway started needs no restart, and a missing build is a 503 page, not a crash.
 */
export function adminConsole(distDir: string): Router {
  const router = express.Router();
  router.use('/assets', staticFiles(join(distDir, 'assets'), IMMUTABLE));
  router.use(staticFiles(distDir, REVALIDATE));
  router.use((req, res, next) => spaFallback(distDir, req, res, next));
  return router;
}

function staticFiles(dir: string, cacheControl: string): RequestHandler {
  return express.static(dir, {
    index: false,
    cacheControl: false,
    setHeaders: (res) => res.setHeader('Cache-Control', cacheControl),
  });
}

function spaFallback(distDir: string, req: Request, res: Response, next: NextFunction): void {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_SPA.test(req.path)) {
    next();
    return;
  }
  const options = {
    root: distDir,
    dotfiles: 'deny' as const,
    cacheControl: false,
    headers: { 'Cache-Control': REVALIDATE },
  };
  res.sendFile('index.html', options, (err?: NodeJS.ErrnoException) => {
    if (!err) return;
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      res.status(503).type('text/plain').set('Cache-Control', 'no-store').send(NOT_BUILT);
      return;
    }
    next(err);
  });
}
