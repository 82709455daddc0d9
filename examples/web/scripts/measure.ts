/**
 * Time per image on every backend the page offers, in headless Chromium: the README's numbers.
 * `npm run measure -w @setr-ts/web-demo` (after `npm run build`; it builds the page itself into a
 * temporary folder, which no other build beside it can empty while it serves). For each backend and picture (a
 * 96×128 CamVid photo and a 24×32 crop of it), one warm-up run (kernels compile) and then `RUNS` runs
 * through the page's "Run again" button (one on a GPU mode at 96×128); prints the median, as the page
 * measures it (normalising, `segment` or onnxruntime-web's run, reading the classes back).
 * SETR_MEASURE_GPU_FULL=0 leaves out the 96×128 photo on the GPU modes, which are slow on a software GPU.
 *
 * The page offers onnxruntime-web on the checkpoint's ONNX export beside ours, so the same loop times
 * it. Each of ours is measured with its peer (wasm on the same threads, WebGPU), their runs taking
 * turns (ours, theirs, ours, …: switching the page's backend runs it), so that both see the same load
 * of a shared machine; once on the cross-origin isolated page and once, wasm on one thread only, on the
 * page without isolation (`?isolation=off`, where neither runtime may start threads). A last table puts
 * ours and theirs side by side: their time over ours, so above 1 means ours is faster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { build, preview } from 'vite';

const RUNS = Number(process.env.SETR_MEASURE_RUNS ?? 5);
const root = fileURLToPath(new URL('..', import.meta.url));
const photo = fileURLToPath(new URL('../../../data/camvid/96x128/val/0016E5_07959.png', import.meta.url));

interface Demo {
  state: string;
  error: string | null;
  runs: number;
  last: { picture: string; backend: { id: string; summary: string } } | null;
  times: Record<string, number[]>;
  choices: { id: string; unavailable: string | null }[];
}
declare const setrDemo: Demo;

/** Ours, and onnxruntime-web's peer on the same threads or device. */
const PEERS: readonly (readonly [string, string])[] = [
  ['wasm-threads', 'ort-wasm-threads'],
  ['wasm-1', 'ort-wasm-1'],
  ['gpujs-webgpu', 'ort-webgpu'],
];
/** The backends in groups measured together, their runs taking turns: each of ours with its peer. */
const GROUPS = [['wasm-threads', 'ort-wasm-threads'], ['wasm-1', 'ort-wasm-1'], ['gpujs-webgl2'], ['gpujs-webgpu', 'ort-webgpu']];
const isGpu = (id: string) => id.startsWith('gpujs') || id === 'ort-webgpu';

/** One backend on one picture: the median of its warm runs. */
interface Row {
  page: string;
  id: string;
  size: string;
  ms: number;
  runs: number;
}

async function finished(page: Page, before: number, picture: string, id: string): Promise<void> {
  await page.waitForFunction(
    ([n, name, backend]) =>
      setrDemo.state === 'error' ||
      (setrDemo.state === 'done' && setrDemo.runs > n && setrDemo.last?.picture === name && setrDemo.last.backend.id === backend),
    [before, picture, id] as const,
    { timeout: 600_000, polling: 100 },
  );
  const error = await page.evaluate(() => setrDemo.error);
  if (error) throw new Error(error);
}

const runs = (page: Page) => page.evaluate(() => setrDemo.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs `id` once on the page's picture: by choosing it, or with "Run again" where it is chosen already.
 * Returns what the page says ran.
 */
async function runOn(page: Page, id: string, picture: string): Promise<string> {
  const before = await runs(page);
  if ((await page.inputValue('#backend')) === id) await page.click('#run');
  else await page.selectOption('#backend', id);
  await finished(page, before, picture, id);
  return page.evaluate(() => setrDemo.last?.backend.summary ?? '');
}

/**
 * Every backend `which` lets through on the page at `query`, group by group ({@link GROUPS}), on both
 * pictures: one warm-up run each, then `RUNS` rounds (one on a GPU mode at 96×128) in which each member
 * runs once; prints a line for each backend and picture and returns the rows.
 */
async function measurePage(browser: Browser, url: string, query: string, which: (id: string) => boolean): Promise<Row[]> {
  const page = await browser.newPage();
  page.setDefaultTimeout(0); // a software GPU keeps the page busy for long stretches
  try {
    await page.goto(`${url}${query}`);
    const crossOriginIsolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    const label = crossOriginIsolated ? 'isolated' : 'not isolated';
    // the page's first run: on wasm with all cores where it may start threads, else on one
    await finished(page, 0, '0016E5_07959.png', crossOriginIsolated ? 'wasm-threads' : 'wasm-1');
    const available = new Set((await page.evaluate(() => setrDemo.choices)).filter((c) => !c.unavailable).map((c) => c.id));
    const rows: Row[] = [];
    for (const group of GROUPS.map((g) => g.filter((id) => available.has(id) && which(id))).filter((g) => g.length > 0)) {
      const gpu = group.some(isGpu);
      for (const [picture, file] of [
        ['small.png', small],
        ['0016E5_07959.png', photo],
      ]) {
        if (gpu && picture !== 'small.png' && process.env.SETR_MEASURE_GPU_FULL === '0') continue;
        const size = picture === 'small.png' ? '24×32' : '96×128';
        const before = await runs(page);
        await page.setInputFiles('#image-file', file); // on the backend chosen now
        await page.waitForFunction((n) => setrDemo.runs > n, before);
        for (const id of group) await runOn(page, id, picture); // warm-up: kernels compile, sessions start
        const keys = group.map((id) => `${id} ${size}`);
        const from = await page.evaluate((ks) => ks.map((k) => setrDemo.times[k].length), keys);
        const n = gpu && picture !== 'small.png' ? 1 : RUNS; // minutes each on a software GPU
        const summaries = new Map<string, string>();
        for (let i = 0; i < n; i++) for (const id of group) summaries.set(id, await runOn(page, id, picture));
        const times = await page.evaluate((ks) => ks.map((k) => setrDemo.times[k]), keys);
        for (const [j, id] of group.entries()) {
          const summary = summaries.get(id);
          const ms = median(times[j].slice(from[j]));
          rows.push({ page: label, id, size, ms, runs: n });
          console.log(
            `${label.padEnd(12)} ${id.padEnd(16)} ${size.padEnd(7)} ${ms.toFixed(0).padStart(7)} ms (${n} run${n > 1 ? 's' : ''})  ${summary}`,
          );
        }
      }
    }
    return rows;
  } finally {
    await page.close();
  }
}

/** Ours against onnxruntime-web's peer, where both were measured: their time over ours (above 1: ours is faster). */
function printPeers(rows: readonly Row[]): void {
  const find = (page: string, id: string, size: string) => rows.find((r) => r.page === page && r.id === id && r.size === size);
  console.log('\npage         ours             onnxruntime-web    size     ours ms  theirs ms  theirs / ours');
  for (const page of ['isolated', 'not isolated'])
    for (const [ours, theirs] of PEERS)
      for (const size of ['96×128', '24×32']) {
        const [a, b] = [find(page, ours, size), find(page, theirs, size)];
        if (!a || !b) continue;
        console.log(
          `${page.padEnd(12)} ${ours.padEnd(16)} ${theirs.padEnd(18)} ${size.padEnd(7)} ${a.ms.toFixed(1).padStart(8)} ${b.ms.toFixed(1).padStart(10)}  ${(b.ms / a.ms).toFixed(2).padStart(12)}×`,
        );
      }
}

const work = mkdtempSync(join(tmpdir(), 'setr-measure-'));
const small = join(work, 'small.png');
await sharp(photo).extract({ left: 48, top: 40, width: 32, height: 24 }).png().toFile(small);
const outDir = join(work, 'dist');
await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
const url = server.resolvedUrls?.local[0] as string;
const browser = await chromium.launch({
  executablePath: process.env.SETR_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-webgpu'],
});
try {
  const probe = await browser.newPage();
  const cores = await probe.evaluate(() => navigator.hardwareConcurrency);
  await probe.close();
  console.log(`Chromium ${browser.version()}, ${cores} logical cores; median of ${RUNS} warm runs, ms per image`);
  const rows = [
    ...(await measurePage(browser, url, '', () => true)),
    ...(await measurePage(browser, url, '?isolation=off', (id) => id === 'wasm-1' || id === 'ort-wasm-1')),
  ];
  printPeers(rows);
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
