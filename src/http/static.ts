/**
 * The dashboard's pages, built by `npm run build:web` (web/ -> dist/web): `/` (index.html),
 * `/docs` (docs.html, Swagger UI over /openapi.json) and `/assets/*` (hashed file names, so
 * cached for a year; the HTML is revalidated every time). All of it is static and offline: no
 * CDN. Without a build, `/` says how to make one.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { serveStatic } from 'hono/serve-static';

/** dist/web next to the running code: `dist/http/static.js` (built) or `src/http/static.ts` (tsx). */
export function defaultWebRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../web'), path.resolve(here, '../../dist/web')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[candidates.length - 1];
}

const PAGES: Record<string, string> = { '/': '/index.html', '/docs': '/docs.html', '/docs/': '/docs.html' };

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>domain-scout</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The dashboard is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm run build:web</code>) and reload. The API works without it:
GraphQL at <a href="/graphql">/graphql</a>, REST at <code>/scan/...</code>.</p>`;

export function staticPages(root: string = defaultWebRoot()) {
  const pages = new Hono();
  const serve = serveStatic({
    root,
    join: path.join,
    rewriteRequestPath: (p) => PAGES[p] ?? p,
    getContent: async (file) => {
      // the join above cannot leave `root` (serveStatic refuses `..`); only regular files are read
      if (!file.startsWith(root + path.sep)) return null;
      return readFile(file).catch(() => null);
    },
    onFound: (file, c) => {
      c.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      c.header('x-content-type-options', 'nosniff');
    },
  });
  pages.get('/', serve, (c) => c.html(NOT_BUILT, 503));
  pages.get('/index.html', serve);
  pages.get('/docs', serve);
  pages.get('/docs/', serve);
  pages.get('/assets/*', serve);
  return pages;
}
