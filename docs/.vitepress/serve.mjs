/**
 * Serves the built site (docs/.vitepress/dist) with the headers that make its pages cross-origin isolated
 * (COOP/COEP: SharedArrayBuffer, so the live code's wasm backend runs on all cores). `vitepress preview`
 * cannot add headers; any static server that sends these two can host the site.
 *
 *   node docs/.vitepress/serve.mjs [--port 4173] [--host 127.0.0.1]      (npm run docs:preview)
 *
 * Also imported by the site's test (`serveSite`).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ico': 'image/x-icon',
};

export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** The file a request path names: the path itself, its index.html, or the page `<path>.html`. */
function fileFor(root, pathname) {
  const path = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
  const candidates = [join(root, path), join(root, path, 'index.html'), join(root, `${path}.html`)];
  return candidates.find((f) => f.startsWith(root) && existsSync(f) && statSync(f).isFile()) ?? null;
}

/**
 * Starts the server; resolves to it once it listens. `isolate: false` leaves the headers out, as a host
 * that cannot set them would (the live code then runs wasm on one thread).
 */
export function serveSite({
  root = fileURLToPath(new URL('dist/', import.meta.url)),
  port = 4173,
  host = '127.0.0.1',
  isolate = true,
} = {}) {
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    if (isolate) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
    let file = fileFor(root, pathname);
    if (!file) {
      res.statusCode = 404;
      file = join(root, '404.html');
      if (!existsSync(file)) return res.end('not found');
    }
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? process.argv[at + 1] : fallback;
  };
  const port = Number(arg('port', '4173'));
  const host = arg('host', '127.0.0.1');
  await serveSite({ port, host });
  console.log(`the site, cross-origin isolated: http://${host}:${port}/`);
}
