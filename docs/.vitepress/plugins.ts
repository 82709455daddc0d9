/**
 * The site's vite plugins.
 *
 * - `isolation`: the COOP/COEP headers that make a page cross-origin isolated (SharedArrayBuffer, so the
 *   wasm backend's worker threads), on the dev server; serve.mjs sends them for the built site.
 * - `liveRuntime`: what the live code's worker (live/worker.ts) is built from. `@setr-ts/setr` there is
 *   the package's Node entry (`loadCamVid`, `evaluate`, `TrainLoader` — the browser entry leaves them
 *   out), and the Node modules that setr's and nn's dist/ import become the page's stand-ins
 *   (live/shims/); `virtual:setr-live-files` lists the files the site serves (live/served-files.ts).
 * - `servedFiles`: those files, under `files/`, straight from the repository in development; the build
 *   copies them (config.ts, buildEnd). Also, in development, the API reference (`docs/api/`, made by
 *   `npm run docs:site`) and the web demo (`examples/web/dist/`) where they have been built.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import type { Plugin } from 'vitepress';
import { FILES_PREFIX, servedFiles } from './live/served-files.js';
import { repo } from './repo-pages.js';

export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const live = resolve(repo, 'docs/.vitepress/live');
const shims = join(live, 'shims');
const setrDist = resolve(repo, 'packages/setr/dist');
const nnDist = resolve(repo, 'packages/nn/dist');

/** Module → stand-in, for imports from setr's and nn's dist/ and from the live runtime. */
const STAND_INS: Record<string, string> = {
  'node:fs': 'fs.ts',
  'node:fs/promises': 'fs-promises.ts',
  'node:path': 'path.ts',
  'node:os': 'os.ts',
  'node:url': 'url.ts',
  'node:util': 'util.ts',
  'node:crypto': 'crypto.ts',
  'node:timers/promises': 'timers-promises.ts',
  'node:worker_threads': 'worker-threads.ts',
  sharp: 'sharp.ts',
  vega: 'unavailable.ts',
  'vega-lite': 'unavailable.ts',
  'cli-progress': 'unavailable.ts',
};

const VIRTUAL_FILES = 'virtual:setr-live-files';

export function liveRuntime(): Plugin {
  return {
    name: 'setr-live-runtime',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === VIRTUAL_FILES) return `\0${VIRTUAL_FILES}`;
      if (!importer) return null;
      const file = importer.split('?')[0];
      if (source === '@setr-ts/setr' && file.startsWith(live)) return join(setrDist, 'index.js');
      const standIn = STAND_INS[source];
      if (standIn && (file.startsWith(setrDist) || file.startsWith(nnDist) || file.startsWith(live))) return join(shims, standIn);
      return null;
    },
    load(id) {
      if (id === `\0${VIRTUAL_FILES}`) return `export default ${JSON.stringify(servedFiles(repo))};`;
      return null;
    },
  };
}

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

function sendFile(res: ServerResponse, file: string): void {
  res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
  res.end(readFileSync(file));
}

/** A built folder served under `prefix` in development, or a page saying how to build it. */
function devFolder(url: string, prefix: string, folder: string, how: string, res: ServerResponse): boolean {
  if (!url.startsWith(prefix)) return false;
  let file = join(folder, decodeURIComponent(url.slice(prefix.length)));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!file.startsWith(folder) || !existsSync(file)) {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<p>Not built yet. ${how}, then reload; <code>npm run docs:build</code> puts it in the built site.</p>`);
    return true;
  }
  sendFile(res, file);
  return true;
}

export function servedFilesPlugin(base: string): Plugin {
  return {
    name: 'setr-served-files',
    configureServer(server) {
      const files = new Set(servedFiles(repo).map((f) => f.path));
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0];
        if (url.startsWith(base + FILES_PREFIX)) {
          const path = decodeURIComponent(url.slice(base.length + FILES_PREFIX.length));
          if (files.has(path)) return sendFile(res, join(repo, path));
        }
        if (devFolder(url, `${base}api/`, join(repo, 'docs/api'), 'Run <code>npm run docs:site</code> (the API reference)', res)) return;
        if (devFolder(url, `${base}demo/`, join(repo, 'examples/web/dist'), 'Run <code>npm run build</code> (it builds the web demo)', res))
          return;
        next();
      });
    },
  };
}

export function isolation(): Plugin {
  return {
    name: 'setr-isolation',
    configureServer(server) {
      server.middlewares.use((_req, res, next) => {
        for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
        next();
      });
    },
    configurePreviewServer(server) {
      server.middlewares.use((_req, res, next) => {
        for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
        next();
      });
    },
  };
}
