/**
 * The demo page's build and servers. Two plugins:
 *
 * - `isolation`: Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy headers, which make the
 *   page cross-origin isolated, the condition for SharedArrayBuffer and so for the wasm backend's
 *   worker threads (a request with `?isolation=off` gets none: the page then runs wasm on one thread);
 * - `repoFiles`: the checkpoint (models/setr-tiny-mla-camvid/) and the bundled CamVid (photos and
 *   labels, data/camvid/96x128/, whose README carries the dataset's licence note) from the repository,
 *   served as they are in development and copied into dist/ by the build, so the pages fetch them from
 *   their own origin.
 *
 * Two pages, two entries: the demo (index.html) and the training page (train.html).
 *
 * Nothing else is needed to bundle the packages for a browser: none of them imports a `node:` module
 * (tensor and nn reach Node's modules through `process.getBuiltinModule` where they run in Node),
 * setr's `browser` export condition leaves out its Node-only modules, and tensor's `browser` field
 * leaves out Dawn, the WebGPU of Node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The files the pages fetch, by their path on the site (the same as in the repository): the demo's
 * checkpoint and the bundled CamVid (the demo shows validation photos; the training page trains on
 * the training split and validates on the validation split).
 */
function siteFiles(): string[] {
  const camvid = 'data/camvid/96x128';
  const folder = (f: string) =>
    readdirSync(join(repo, camvid, f))
      .filter((n) => n.endsWith('.png'))
      .map((n) => `${camvid}/${f}/${n}`);
  return [
    'models/setr-tiny-mla-camvid/model.safetensors',
    'models/setr-tiny-mla-camvid/metrics.json',
    `${camvid}/README.md`, // the dataset's licence note travels with the copy
    `${camvid}/train.txt`,
    `${camvid}/val.txt`,
    ...['train', 'trainannot', 'val', 'valannot'].flatMap(folder),
  ];
}

const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

type Next = () => void;

function isolationMiddleware(req: IncomingMessage, res: ServerResponse, next: Next): void {
  if (!req.url?.includes('isolation=off')) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
  next();
}

function isolation(): Plugin {
  return {
    name: 'setr-isolation',
    configureServer: (server) => void server.middlewares.use(isolationMiddleware),
    configurePreviewServer: (server) => void server.middlewares.use(isolationMiddleware),
  };
}

const TYPES: Record<string, string> = { '.png': 'image/png', '.json': 'application/json', '.txt': 'text/plain', '.md': 'text/markdown' };

function repoFiles(): Plugin {
  return {
    name: 'setr-repo-files',
    configureServer(server) {
      const files = new Set(siteFiles());
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\//, '');
        if (!files.has(path)) return next();
        const ext = path.slice(path.lastIndexOf('.'));
        res.setHeader('Content-Type', TYPES[ext] ?? 'application/octet-stream');
        res.end(readFileSync(join(repo, path)));
      });
    },
    generateBundle() {
      for (const path of siteFiles()) this.emitFile({ type: 'asset', fileName: path, source: readFileSync(join(repo, path)) });
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [isolation(), repoFiles()],
  // no minifying: gpu.js reads the source text of the functions kernels call (divFloor, erf32, ...;
  // `Function.prototype.toString`), and a minifier renames and rewrites them into what it cannot
  // translate (the WebGL2 build of conv2d then fails with "Identifier is not defined ... o")
  build: {
    target: 'es2022',
    minify: false,
    chunkSizeWarningLimit: 4000,
    rollupOptions: { input: { demo: join(root, 'index.html'), train: join(root, 'train.html') } },
  },
  worker: { format: 'es' },
});
