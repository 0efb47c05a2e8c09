/**
 * Hosting the old service's browser UI (`SCOUT_MINI_UI_DIR`): the folder at `/mini-ui/`
 * (`/mini-ui` redirects there, `index.html` for a folder, JavaScript modules as JavaScript),
 * with `window.HUNTER_API_BASE_URL = <the page's origin>` injected before the UI's own scripts
 * (the UI otherwise calls http://localhost:8000). Files outside the folder are never served.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';

export const MINI_UI_PATH = '/mini-ui';

/** The script that tells the UI where its API is; `<` escaped so no value can close the tag. */
export function apiBaseScript(origin: string): string {
  return `<script>window.HUNTER_API_BASE_URL = ${JSON.stringify(origin).replaceAll('<', '\\u003c')};</script>`;
}

/** `html` with the API base script before its first script (else at the end of `<head>`, else first). Pure. */
export function injectApiBase(html: string, origin: string): string {
  const script = apiBaseScript(origin);
  for (const marker of [/<script\b/i, /<\/head>/i]) {
    const at = html.search(marker);
    if (at >= 0) return html.slice(0, at) + script + html.slice(at);
  }
  return script + html;
}

export function miniUi(dir: string) {
  const root = path.resolve(dir);
  const app = new Hono();
  app.get(MINI_UI_PATH, (c) => c.redirect(`${MINI_UI_PATH}/${new URL(c.req.url).search}`, 301));
  app.get(`${MINI_UI_PATH}/*`, async (c, next) => {
    let relative: string;
    try {
      relative = decodeURIComponent(c.req.path.slice(MINI_UI_PATH.length + 1));
    } catch {
      return next();
    }
    let file = path.resolve(root, relative);
    if (file !== root && !file.startsWith(root + path.sep)) return next();
    const info = await stat(file).catch(() => null);
    if (info?.isDirectory()) file = path.join(file, 'index.html');
    else if (!info?.isFile()) return next();
    const body = await readFile(file).catch(() => null);
    if (!body) return next();
    const type = /\.m?js$/i.test(file) ? 'text/javascript; charset=utf-8' : (getMimeType(file) ?? 'application/octet-stream');
    const headers = { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
    if (/\.html?$/i.test(file)) return c.body(injectApiBase(body.toString('utf8'), new URL(c.req.url).origin), 200, headers);
    return c.body(new Uint8Array(body), 200, headers);
  });
  return app;
}
