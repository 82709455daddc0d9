/**
 * The Web Worker that runs a chapter's blocks (program.ts), so that the page stays responsive and Stop
 * can end a run by terminating it.
 *
 * The packages are bundled in, built (their dist/), as in the web demo — except that `@setr-ts/setr` is
 * its Node entry, not its browser one, so that the chapters' `loadCamVid`, `evaluate` and `TrainLoader`
 * exist; the Node modules those reach (`node:fs`, `node:path`, sharp, ...) are stand-ins over the page's
 * file system (shims/), which fetches the shipped model and CamVid from the site. A program's imports
 * come from the same table (`__require`), so `@setr-ts/tensor` in a block is the module whose backend
 * the page chose. `console` is captured and every line goes to the page with the block that printed it.
 */

import servedFiles from 'virtual:setr-live-files';
import * as autograd from '@setr-ts/autograd';
import * as nn from '@setr-ts/nn';
import * as setr from '@setr-ts/setr';
import * as tensor from '@setr-ts/tensor';
import gpujs from 'gpu.js';
import { format } from 'node-inspect-extracted';
import { blockLine, compileBlock, type Evaluator, rootEvaluator, runBlock } from './program.js';
import type { BackendId, FromWorker, ToWorker } from './protocol.js';
import * as crypto from './shims/crypto.js';
import * as fs from './shims/fs.js';
import * as fsPromises from './shims/fs-promises.js';
import * as os from './shims/os.js';
import * as path from './shims/path.js';
import * as timersPromises from './shims/timers-promises.js';
import * as url from './shims/url.js';
import * as util from './shims/util.js';
import { CWD, configureFiles } from './shims/vfs.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

const builtins: Record<string, unknown> = {
  fs,
  'fs/promises': fsPromises,
  path,
  os,
  url,
  util,
  crypto,
  'timers/promises': timersPromises,
};

const modules: Record<string, unknown> = {
  '@setr-ts/tensor': tensor,
  '@setr-ts/autograd': autograd,
  '@setr-ts/nn': nn,
  '@setr-ts/setr': setr,
  'gpu.js': { ...gpujs, default: gpujs },
};
for (const [name, m] of Object.entries(builtins)) {
  modules[`node:${name}`] = m;
  modules[name] = m;
}

function require(id: string): unknown {
  const m = modules[id];
  if (m === undefined) throw new Error(`import '${id}': the page has no such module (it has ${Object.keys(modules).join(', ')})`);
  return m;
}

let current: number | null = null;
const print = (stream: 'out' | 'err', text: string) => post({ type: 'print', index: current, stream, text });
const line =
  (stream: 'out' | 'err') =>
  (...args: unknown[]) =>
    print(stream, `${format(...args)}\n`);
const write = (stream: 'out' | 'err', s: unknown) => {
  print(stream, String(s));
  return true;
};
console.log = line('out');
console.info = line('out');
console.debug = line('out');
console.warn = line('err');
console.error = line('err');
self.addEventListener('unhandledrejection', (e) => print('err', `Unhandled promise rejection: ${format(e.reason)}\n`));

/**
 * What the packages and the programs find as `process`: the environment the page sets (SETR_SMOKE),
 * `getBuiltinModule` for nn's file I/O, the working directory. No `versions.node`: the tensor package
 * asks that to tell Node, and here it must see a browser.
 */
function installProcess(env: Record<string, string>): void {
  const proc = {
    env: { ...env },
    argv: ['browser'],
    pid: 1,
    platform: 'browser',
    version: '',
    versions: {},
    cwd: () => CWD,
    getBuiltinModule: (id: string) => builtins[id.replace(/^node:/, '')],
    kill(pid: number) {
      if (pid !== 1) throw Object.assign(new Error(`kill ESRCH (no process ${pid} in the page)`), { code: 'ESRCH' });
      return true;
    },
    nextTick: (f: (...a: unknown[]) => void, ...args: unknown[]) => queueMicrotask(() => f(...args)),
    hrtime: Object.assign(
      (prev?: [number, number]) => {
        const t = performance.now() * 1e6;
        const now: [number, number] = [Math.floor(t / 1e9), Math.floor(t % 1e9)];
        return prev ? [now[0] - prev[0], now[1] - prev[1]] : now;
      },
      { bigint: () => BigInt(Math.round(performance.now() * 1e6)) },
    ),
    memoryUsage: () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }),
    stdout: { write: (s: string) => write('out', s), isTTY: false, columns: 100 },
    stderr: { write: (s: string) => write('err', s), isTTY: false, columns: 100 },
    exit(code?: number) {
      throw new Error(`process.exit(${code ?? 0}): a program in the page cannot end the page`);
    },
    on: () => proc,
    once: () => proc,
    off: () => proc,
    emitWarning: (w: unknown) => print('err', `Warning: ${String(w)}\n`),
  };
  (globalThis as { process?: unknown }).process = proc;
}

async function useBackend(id: BackendId): Promise<tensor.Backend> {
  switch (id) {
    case 'wasm': {
      const b = (await tensor.setBackend('wasm')) as tensor.WasmBackend;
      await b.whenReady(); // the worker threads start now, not inside the first block
      return b;
    }
    case 'wasm-1':
      return tensor.setBackend('wasm', { threads: 1 });
    case 'reference':
      return tensor.setBackend('reference');
    case 'gpujs-webgl2':
      return tensor.setBackend('gpujs', { mode: 'webgl2' });
    case 'gpujs-webgpu':
      return tensor.setBackend('gpujs', { mode: 'webgpu' });
  }
}

const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  webp: 'image/webp',
};

let evaluators: Evaluator[] = [];
let root: Evaluator | null = null;

function describeError(e: unknown): string {
  if (e instanceof Error) return e.stack?.startsWith(`${e.name}: ${e.message}`) ? `${e.name}: ${e.message}` : String(e.message || e);
  return format(e);
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  if (m.type === 'init') {
    try {
      installProcess(m.env);
      configureFiles(m.filesBase, servedFiles, (p, bytes) => {
        const copy = bytes.slice();
        const ext = p.slice(p.lastIndexOf('.') + 1).toLowerCase();
        post(
          { type: 'picture', index: current, name: path.basename(p), mime: MIME[ext] ?? 'application/octet-stream', bytes: copy.buffer },
          [copy.buffer],
        );
      });
      root = rootEvaluator(require);
      const b = await useBackend(m.backend);
      const threads = b.name === 'wasm' ? (b as tensor.WasmBackend).threads : null;
      post({ type: 'ready', backend: b.description, crossOriginIsolated: self.crossOriginIsolated === true, threads });
    } catch (e) {
      post({ type: 'failed', message: describeError(e) });
    }
    return;
  }
  if (m.type === 'run') {
    const t0 = performance.now();
    current = m.index;
    try {
      const before = m.index === 0 ? root : evaluators[m.index - 1];
      if (!before) throw new Error(`block ${m.index} cannot run before block ${m.index - 1} has run`);
      evaluators = evaluators.slice(0, m.index);
      evaluators[m.index] = await runBlock(before, compileBlock(m.code, m.index));
      post({ type: 'done', index: m.index, ms: performance.now() - t0 });
    } catch (e) {
      post({ type: 'error', index: m.index, ms: performance.now() - t0, message: describeError(e), where: blockLine(e) });
    }
  }
};
