/**
 * The demo page's build and servers. Two plugins:
 *
 * - `isolation`: Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy headers, which make the
 *   page cross-origin isolated, the condition for SharedArrayBuffer and so for the wasm backend's
 *   worker threads (a request with `?isolation=off` gets none: the page then runs wasm on one thread);
 * - `siteFilesPlugin`: the checkpoint (models/setr-tiny-mla-camvid/) and the bundled CamVid (photos and
 *   labels, data/camvid/96x128/, whose README carries the dataset's licence note) from the repository;
 *   the checkpoint as ONNX (model.onnx beside it), exported by the repository's own `setr export --onnx
 *   --dynamic` once per server or build, so nothing generated is committed; and onnxruntime-web's glue
 *   and WebAssembly (ort/), from its package. Served as they are in development and copied into dist/
 *   by the build, so the pages fetch them from their own origin.
 *
 * Two pages, two entries: the demo (index.html) and the training page (train.html).
 *
 * Nothing else is needed to bundle the packages for a browser: none of them imports a `node:` module
 * (tensor and nn reach Node's modules through `process.getBuiltinModule` where they run in Node),
 * setr's `browser` export condition leaves out its Node-only modules, and tensor's `browser` field
 * leaves out Dawn, the WebGPU of Node.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const root = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(import.meta.url);

const CHECKPOINT = 'models/setr-tiny-mla-camvid/model.safetensors';

/** A file the pages fetch: its path on the site, and its bytes (read or made when first asked for). */
interface SiteFile {
  readonly path: string;
  readonly bytes: () => Uint8Array;
}

/**
 * The files the pages fetch: from the repository, by the same path there, the demo's checkpoint and
 * the bundled CamVid (the demo shows validation photos; the training page trains on the training split
 * and validates on the validation split); the checkpoint's ONNX export; onnxruntime-web's files.
 */
function siteFiles(): SiteFile[] {
  const camvid = 'data/camvid/96x128';
  const folder = (f: string) =>
    readdirSync(join(repo, camvid, f))
      .filter((n) => n.endsWith('.png'))
      .map((n) => `${camvid}/${f}/${n}`);
  const fromRepo = [
    CHECKPOINT,
    'models/setr-tiny-mla-camvid/metrics.json',
    `${camvid}/README.md`, // the dataset's licence note travels with the copy
    `${camvid}/train.txt`,
    `${camvid}/val.txt`,
    ...['train', 'trainannot', 'val', 'valannot'].flatMap(folder),
  ].map((path) => ({ path, bytes: () => readFileSync(join(repo, path)) }));
  // the glue (an ES module) and the WebAssembly of onnxruntime-web's wasm build and of its main build
  // (with WebGPU: JSEP), which src/onnxruntime.ts points `ort.env.wasm.wasmPaths` at
  const glues = ['ort-wasm-simd-threaded', 'ort-wasm-simd-threaded.jsep'];
  const ort = glues
    .flatMap((g) => [`${g}.mjs`, `${g}.wasm`])
    .map((f) => ({
      path: `ort/${f}`,
      bytes: () => readFileSync(require.resolve(`onnxruntime-web/${f}`)),
    }));
  return [...fromRepo, { path: CHECKPOINT.replace(/\.safetensors$/, '.onnx'), bytes: exportedOnnx }, ...ort];
}

let onnxBytes: Uint8Array | null = null;

/**
 * The checkpoint as ONNX, any batch and image size (sides multiples of the patch): what `setr export
 * --checkpoint model.safetensors --onnx model.onnx --dynamic` writes (about 6 MB, 2 s), made once per
 * process. It needs the setr package built (`npm run build`), as the pages do.
 */
function exportedOnnx(): Uint8Array {
  if (onnxBytes) return onnxBytes;
  const dir = mkdtempSync(join(tmpdir(), 'setr-web-onnx-'));
  try {
    const file = join(dir, 'model.onnx');
    const cli = join(repo, 'packages/setr/bin/setr.js');
    execFileSync(process.execPath, [cli, 'export', '--checkpoint', join(repo, CHECKPOINT), '--onnx', file, '--dynamic'], {
      stdio: 'pipe',
    });
    onnxBytes = readFileSync(file);
    return onnxBytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};

function siteFilesPlugin(): Plugin {
  return {
    name: 'setr-site-files',
    configureServer(server) {
      const files = new Map(siteFiles().map((f) => [f.path, f]));
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\//, '');
        const file = files.get(path);
        if (!file) return next();
        const ext = path.slice(path.lastIndexOf('.'));
        res.setHeader('Content-Type', TYPES[ext] ?? 'application/octet-stream');
        res.end(file.bytes());
      });
    },
    generateBundle() {
      for (const f of siteFiles()) this.emitFile({ type: 'asset', fileName: f.path, source: f.bytes() });
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [isolation(), siteFilesPlugin()],
  // onnxruntime-web's build that fetches its glue and WebAssembly from `wasmPaths` (the site's ort/)
  // rather than bundling the glue into the page's script, whose URL its worker threads would then start
  resolve: { conditions: [...defaultClientConditions, 'onnxruntime-web-use-extern-wasm'] },
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
