/**
 * `npm run measure:train -w @setr-ts/web-demo` (after `npm run build`): how fast setr-tiny-pup trains
 * on the bundled CamVid (96×128 pictures, crops of 64×96, batch 8, seed 0) in headless Chromium,
 * beside Node on the same machine. Each setting runs STEPS steps of the first epoch (a fresh browser
 * context each: nothing to resume) and reports the images per second of the steps after the first
 * WARMUP (the first compiles the kernels and starts the workers), and the largest wasm memory seen.
 *
 *   Node, wasm 2 threads | Node, wasm 1 thread | page, wasm 2 threads (isolated) | page, wasm 1 thread (?isolation=off)
 *
 * SETR_MEASURE_GPU=1 adds gpu.js WebGL2 and WebGPU on the page, one step after the warm-up each
 * (SwiftShader here, a CPU running the shaders: minutes a step).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAMVID_CLASS_WEIGHTS, loadCamVid, preset, trainSetr } from '@setr-ts/setr';
import { setBackend, type WasmBackend } from '@setr-ts/tensor';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const STEPS = Number(process.env.SETR_MEASURE_STEPS ?? 12);
const WARMUP = 2;
const MODEL = 'setr-tiny-pup';
const BATCH = preset(MODEL).train.batchSize;
const root = fileURLToPath(new URL('..', import.meta.url));
const camvid = fileURLToPath(new URL('../../../data/camvid/96x128', import.meta.url));

interface TrainPage {
  state: string;
  error: string | null;
  step: number;
  stepsAt: number[];
  backend: string;
  peakWasmBytes: number;
  peakJsHeapBytes: number;
}
declare const setrTrain: TrainPage;

/** Images per second over the steps after the first WARMUP, from the times (ms) each step ended. */
const steadyRate = (at: readonly number[]) => ((at.length - 1 - (WARMUP - 1)) * BATCH * 1000) / (at[at.length - 1] - at[WARMUP - 1]);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const rows: { setting: string; rate: number; memory: string; ran: string }[] = [];

async function inNode(threads: number): Promise<void> {
  const backend = (await setBackend('wasm', { threads })) as WasmBackend;
  const [train, val] = await Promise.all([loadCamVid(camvid, 'train'), loadCamVid(camvid, 'val')]);
  const out = mkdtempSync(join(tmpdir(), 'setr-measure-train-'));
  const stop = new AbortController();
  const at: number[] = [];
  let peak = 0;
  const run = await trainSetr({
    config: preset(MODEL),
    train,
    val,
    out,
    seed: 0,
    classWeights: CAMVID_CLASS_WEIGHTS,
    report: false,
    signal: stop.signal,
    onStep: (p) => {
      at.push(performance.now());
      peak = Math.max(peak, backend.stats().memoryBytes);
      if (p.step >= STEPS) stop.abort();
    },
  });
  run.model.dispose();
  rmSync(out, { recursive: true, force: true });
  rows.push({
    setting: `Node ${process.versions.node}, wasm ${threads} thread${threads > 1 ? 's' : ''}`,
    rate: steadyRate(at),
    memory: mib(peak),
    ran: backend.description,
  });
}

async function inPage(url: string, setting: string, steps: number): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(0);
  await page.goto(url);
  await page.waitForFunction(() => setrTrain.state === 'ready' || setrTrain.state === 'error', undefined, { polling: 200 });
  await page.click('#train');
  await page.waitForFunction((n) => setrTrain.step >= n || setrTrain.state === 'error', steps, { polling: 200 });
  const s = await page.evaluate(() => setrTrain);
  if (!s.error) await page.click('#stop');
  const memory = `${mib(s.peakWasmBytes)} wasm + ${mib(s.peakJsHeapBytes)} JS heap`;
  // a backend that cannot train here (gpu.js WebGL2 on SwiftShader) is a row of the table, not the end of it
  rows.push({
    setting,
    rate: s.error ? Number.NaN : steadyRate(s.stepsAt),
    memory,
    ran: s.error ? `failed: ${s.error.split('\n')[0]}` : s.backend,
  });
  await context.close();
}

const server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1' } });
const base = server.resolvedUrls?.local[0] as string;
const browser = await chromium.launch({
  executablePath: process.env.SETR_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-webgpu'],
});
try {
  const page = (query: string) => new URL(`train.html?model=${MODEL}&seed=0&${query}`, base).href;
  // Node and the page alternate, so that other work on the machine weighs on both alike
  await inNode(2);
  await inPage(page('backend=wasm-threads'), 'Chromium, wasm 2 threads (cross-origin isolated)', STEPS);
  await inNode(1);
  await inPage(page('backend=wasm-1&isolation=off'), 'Chromium, wasm 1 thread (not isolated)', STEPS);
  if (process.env.SETR_MEASURE_GPU === '1') {
    for (const id of ['gpujs-webgl2', 'gpujs-webgpu']) await inPage(page(`backend=${id}`), `Chromium, ${id} (SwiftShader)`, WARMUP + 1);
  }
} finally {
  await browser.close();
  await server.close();
}
const node = rows.find((r) => r.setting.includes('2 threads') && r.setting.startsWith('Node'))?.rate ?? Number.NaN;
console.log(`Chromium ${browser.version()}; ${MODEL}, batch ${BATCH}; images/s over steps ${WARMUP + 1}–${STEPS}`);
for (const r of rows)
  console.log(
    `${r.setting.padEnd(52)} ${r.rate.toFixed(2).padStart(6)} images/s  ${(r.rate / node).toFixed(2)}× Node 2 threads  peak ${r.memory}  (${r.ran})`,
  );
