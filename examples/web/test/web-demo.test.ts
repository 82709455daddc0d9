/**
 * The demo page in a real browser: Debian's Chromium, headless, driven by playwright-core. The page is
 * built with vite and served by `vite preview` (with the COOP/COEP headers that make it cross-origin
 * isolated) on a free port. The test
 *
 * - loads the page, which runs the first CamVid validation photo on the wasm backend with all cores;
 * - runs a small picture (a 24×32 crop of that photo) on every other backend the page offers — wasm on
 *   one thread, gpu.js on WebGL2 and on WebGPU (Chromium's SwiftShader: slow, hence the small picture);
 * - reads back from the page what actually ran: the wasm backend's description and its workers' task
 *   count, and for gpu.js the class of every kernel gpu.js holds (a silent fallback to the CPU shows up
 *   there), never the mode it was asked for;
 * - checks every mask against `setr predict` (the Node CLI) on the same picture and checkpoint: at least
 *   99.9% of pixels equal (the browser's wasm may use relaxed SIMD's fused multiply-add, Node 20's does
 *   not, and gpu.js computes in float32 in another order), and the photo's bytes as decoded by the page
 *   equal sharp's;
 * - runs the photo in onnxruntime-web, the page's speed peer, on the checkpoint's ONNX export (made by
 *   the build with `setr export --onnx --dynamic`): wasm on as many threads as ours and on one, WebGPU
 *   where the browser has it (on the small picture), and without isolation on one thread; its mask
 *   must agree with ours as every backend's does, and its logits with our model's in Node within 1e-3;
 *   with a checkpoint of one's own it refuses, naming the file;
 * - saves a screenshot in test-output/ (and at $SETR_WEB_SCREENSHOT too: `npm run screenshot` writes
 *   docs/images/web-demo.png).
 *
 * Without Chromium (/usr/bin/chromium; `apt-get install chromium`) it is skipped with a note, except in
 * CI (CI=true), where it fails.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { imagesToTensor, loadTrainedModel, raster, segmentLogits } from '@setr-ts/setr';
import { setBackend } from '@setr-ts/tensor';
import { type Browser, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumHere } from './support/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const checkpoint = join(repo, 'models/setr-tiny-mla-camvid/model.safetensors');
const valDir = join(repo, 'data/camvid/96x128/val');
const firstSample = readFileSync(join(repo, 'data/camvid/96x128/val.txt'), 'utf8').split('\n')[0].trim().split('/').pop() as string;
const outDir = join(root, 'test-output');

const haveChromium = chromiumHere('web demo test');

interface RunResult {
  picture: string;
  backend: {
    id: string;
    description: string;
    threads?: number;
    workerTasks?: number;
    gpu?: { kernels: Record<string, number>; renderer: string | null; adapter: string | null };
    summary: string;
  };
  height: number;
  width: number;
  rgb: number[];
  classes: number[];
  ms: number;
  attentionMs: number;
  liveTensors: number;
  /** onnxruntime-web's runs: the logits [1, K, H, W]. */
  logits?: number[];
}
interface Demo {
  state: string;
  error: string | null;
  runs: number;
  last: RunResult | null;
  choices: { id: string; unavailable: string | null }[];
  crossOriginIsolated: boolean;
}
declare const setrDemo: Demo;

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The palette in the checkpoint's metadata (what `setr predict` colours its masks with). */
function checkpointPalette(): [number, number, number][] {
  const bytes = readFileSync(checkpoint);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  return JSON.parse(header.__metadata__.palette);
}

/** `setr predict`'s mask PNG back to class indices. */
async function maskClasses(
  file: string,
  palette: [number, number, number][],
): Promise<{ classes: number[]; height: number; width: number }> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const index = new Map(palette.map(([r, g, b], i) => [(r << 16) | (g << 8) | b, i]));
  const classes: number[] = [];
  for (let i = 0; i < info.width * info.height; i++) {
    const c = index.get((data[3 * i] << 16) | (data[3 * i + 1] << 8) | data[3 * i + 2]);
    if (c === undefined) throw new Error(`${file}: pixel ${i} has a colour outside the palette`);
    classes.push(c);
  }
  return { classes, height: info.height, width: info.width };
}

async function rgbOf(file: string): Promise<number[]> {
  return Array.from((await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer()) as Uint8Array);
}

function agreement(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Waits until the page has finished a run of `picture` after `before` runs, with nothing pending. */
async function nextRun(page: Page, before: number, picture: string, timeout = 120_000): Promise<RunResult> {
  await page.waitForFunction(
    ([n, name]) => setrDemo.state === 'error' || (setrDemo.state === 'done' && setrDemo.runs > n && setrDemo.last?.picture === name),
    [before, picture] as const,
    { timeout, polling: 100 },
  );
  const demo = await page.evaluate(() => ({ state: setrDemo.state, error: setrDemo.error, last: setrDemo.last }));
  if (demo.state === 'error') throw new Error(`the page failed: ${demo.error}`);
  return demo.last as RunResult;
}

const runs = (page: Page) => page.evaluate(() => setrDemo.runs);

/** Our model's logits [1, K, H, W] for the RGB bytes the page ran, in Node (wasm, one thread), as `segment`'s whole mode. */
async function nodeLogits(r: RunResult): Promise<Float32Array> {
  await setBackend('wasm', { threads: 1 });
  const { model } = await loadTrainedModel(checkpoint);
  const images = imagesToTensor([raster(r.height, r.width, 3, Uint8Array.from(r.rgb))]);
  const logits = await segmentLogits(model, images);
  const values = (await logits.data()) as Float32Array;
  for (const t of [logits, images, model]) t.dispose();
  return values;
}

function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i] - b[i]));
  return most;
}

describe.skipIf(!haveChromium)('the web demo in headless Chromium', () => {
  let server: PreviewServer;
  let browser: Browser;
  let page: Page;
  let url: string;
  let work: string;
  const palette = checkpointPalette();
  const expected: Record<string, { classes: number[]; height: number; width: number; rgb: number[] }> = {};
  const timings: Record<string, { picture: string; size: string; ms: number[]; attentionMs: number; agreement: number[]; ran: string }> =
    {};
  const pageErrors: string[] = [];
  /** The page's wasm mask of the photo (all cores), which onnxruntime-web's must match. */
  let oursOnPhoto: number[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'setr-web-'));
    mkdirSync(outDir, { recursive: true });
    // the small picture: a 24×32 crop (3×4 patches) of the first validation photo
    const small = join(work, 'small.png');
    await sharp(join(valDir, firstSample)).extract({ left: 48, top: 40, width: 32, height: 24 }).png().toFile(small);
    const sample = join(work, firstSample);
    copyFileSync(join(valDir, firstSample), sample);
    // the Node CLI's masks for both, and the page's build, side by side
    const cli = promisify(execFile)(
      process.execPath,
      [join(repo, 'packages/setr/bin/setr.js'), 'predict', '--checkpoint', checkpoint, sample, small, '--out', join(work, 'cli')],
      { cwd: repo },
    );
    await build({ root, logLevel: 'warn' });
    await cli;
    for (const [name, file] of [
      [firstSample, sample],
      ['small.png', small],
    ]) {
      const stem = name.replace(/\.png$/, '');
      expected[name] = { ...(await maskClasses(join(work, 'cli', `${stem}.mask.png`), palette)), rgb: await rgbOf(file) };
    }
    const port = await freePort();
    server = await preview({ root, logLevel: 'warn', preview: { port, strictPort: true, host: '127.0.0.1' } });
    url = `http://127.0.0.1:${port}/`;
    // WebGPU is behind a flag in Chromium on Linux; SwiftShader serves WebGL2 and WebGPU without a GPU
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--enable-unsafe-webgpu'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    if (Object.keys(timings).length > 0) writeFileSync(join(outDir, 'timings.json'), `${JSON.stringify(timings, null, 1)}\n`);
  });

  function check(r: RunResult, name: string, label: string): void {
    const want = expected[name];
    expect([r.picture, r.height, r.width]).toEqual([name, want.height, want.width]);
    expect(agreement(r.rgb, want.rgb)).toBe(1); // the page decoded the same pixels as sharp
    const agree = agreement(r.classes, want.classes);
    timings[label] ??= { picture: name, size: `${r.height}×${r.width}`, ms: [], attentionMs: 0, agreement: [], ran: r.backend.summary };
    const t = timings[label];
    t.ms.push(Math.round(r.ms));
    t.attentionMs = Math.round(r.attentionMs);
    t.agreement.push(agree);
    expect(agree, `${label}: ${(100 * agree).toFixed(3)}% of pixels agree with setr predict`).toBeGreaterThanOrEqual(0.999);
  }

  it('loads, is cross-origin isolated, and runs the first CamVid photo on wasm with all cores as setr predict does', async () => {
    await page.goto(url);
    const r = await nextRun(page, 0, firstSample);
    const demo = await page.evaluate(() => ({ isolated: setrDemo.crossOriginIsolated, choices: setrDemo.choices }));
    expect(demo.isolated).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(r.backend.id).toBe('wasm-threads');
    expect(r.backend.description).toMatch(/^wasm \((relaxed )?SIMD, \d+ threads?\)$/);
    expect(r.backend.threads).toBe(cores);
    if (cores > 1) expect(r.backend.workerTasks).toBeGreaterThan(0); // the Web Workers did compute
    check(r, firstSample, 'wasm-threads');
    oursOnPhoto = r.classes;
    // once more on the same backend: warm, and no tensor left behind
    const before = await runs(page);
    await page.click('#run');
    const again = await nextRun(page, before, firstSample);
    check(again, firstSample, 'wasm-threads');
    expect(again.liveTensors).toBe(r.liveTensors);
  });

  it('runs the first CamVid photo on wasm with one thread', async () => {
    const before = await runs(page);
    await page.selectOption('#backend', 'wasm-1');
    const r = await nextRun(page, before, firstSample);
    expect(r.backend.description).toMatch(/^wasm \((relaxed )?SIMD, 1 thread\)$/);
    check(r, firstSample, 'wasm-1');
  });

  it('runs the photo in onnxruntime-web on the ONNX export, on as many threads as ours and on one, as our model does', async () => {
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    let logits: number[] = [];
    for (const [id, threads] of [
      ['ort-wasm-threads', cores],
      ['ort-wasm-1', 1],
    ] as const) {
      const before = await runs(page);
      await page.selectOption('#backend', id);
      const r = await nextRun(page, before, firstSample);
      expect(r.backend.id).toBe(id);
      expect(r.backend.description).toMatch(new RegExp(`^onnxruntime-web \\d+\\.\\d+\\.\\d+ \\(wasm, ${threads} threads?\\)$`));
      expect(r.backend.threads).toBe(threads);
      check(r, firstSample, id);
      const agree = agreement(r.classes, oursOnPhoto);
      expect(agree, `${id}: ${(100 * agree).toFixed(3)}% of pixels agree with the page's wasm backend`).toBeGreaterThanOrEqual(0.999);
      expect(r.logits?.length).toBe(11 * r.height * r.width);
      logits = r.logits as number[];
    }
    const diff = largestDifference(logits, await nodeLogits((await page.evaluate(() => setrDemo.last)) as RunResult));
    console.info(`web demo: max |onnxruntime-web − ours (Node)| over the photo's logits: ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-3);
    // back to ours on one thread, where the next test starts
    const before = await runs(page);
    await page.selectOption('#backend', 'wasm-1');
    expect((await nextRun(page, before, firstSample)).backend.id).toBe('wasm-1');
  });

  it('runs a small picture dropped on the page on every backend it offers, each as setr predict does', async () => {
    let before = await runs(page);
    await page.setInputFiles('#image-file', join(work, 'small.png'));
    check(await nextRun(page, before, 'small.png'), 'small.png', 'wasm-1 (small)');

    const choices = await page.evaluate(() => setrDemo.choices);
    const ortWasm = choices.find((c) => c.id === 'ort-wasm-1');
    if (ortWasm) {
      before = await runs(page);
      await page.selectOption('#backend', ortWasm.id);
      check(await nextRun(page, before, 'small.png'), 'small.png', 'ort-wasm-1 (small)');
    }
    const ortWebgpu = choices.find((c) => c.id === 'ort-webgpu');
    if (ortWebgpu?.unavailable) console.warn(`web demo test: ort-webgpu not available in this Chromium: ${ortWebgpu.unavailable}`);
    else if (ortWebgpu) {
      before = await runs(page);
      await page.selectOption('#backend', ortWebgpu.id);
      const r = await nextRun(page, before, 'small.png', 240_000);
      expect(r.backend.description).toMatch(/^onnxruntime-web \d+\.\d+\.\d+ \(webgpu\)$/);
      check(r, 'small.png', 'ort-webgpu');
    }
    const gpu = choices.filter((c) => c.id.startsWith('gpujs'));
    if (process.env.CI === 'true') expect(gpu.find((c) => c.id === 'gpujs-webgl2')?.unavailable).toBeNull();
    for (const c of gpu) {
      if (c.unavailable) {
        console.warn(`web demo test: ${c.id} not available in this Chromium: ${c.unavailable}`);
        continue;
      }
      const mode = c.id.replace('gpujs-', '');
      for (let i = 0; i < 2; i++) {
        before = await runs(page);
        if (i === 0) await page.selectOption('#backend', c.id);
        else await page.click('#run'); // warm: the kernels are compiled
        const r = await nextRun(page, before, 'small.png', 240_000);
        expect(r.backend.description).toMatch(new RegExp(`^gpujs \\(${mode}, `));
        // what gpu.js really ran: every kernel it holds is of the mode's class, none fell back to the CPU
        const kernels = r.backend.gpu?.kernels ?? {};
        expect(Object.keys(kernels)).toEqual([mode]);
        expect(kernels[mode]).toBeGreaterThan(10);
        check(r, 'small.png', c.id);
      }
    }
    expect(pageErrors).toEqual([]);
  }, 600_000);

  it('without cross-origin isolation, runs wasm on one thread, the page itself (no SharedArrayBuffer)', async () => {
    const plain = await browser.newPage();
    try {
      plain.on('pageerror', (e) => pageErrors.push(e.message));
      await plain.goto(`${url}?isolation=off`);
      const r = await nextRun(plain, 0, firstSample);
      const demo = await plain.evaluate(() => ({ isolated: setrDemo.crossOriginIsolated, choices: setrDemo.choices }));
      expect(demo.isolated).toBe(false);
      expect(demo.choices.find((c) => c.id === 'wasm-threads')?.unavailable).toMatch(/not cross-origin isolated/);
      expect(r.backend.description).toMatch(/^wasm \((relaxed )?SIMD, 1 thread\)$/);
      check(r, firstSample, 'wasm-1 (not isolated)');
      // onnxruntime-web too runs on one thread only
      expect(demo.choices.find((c) => c.id === 'ort-wasm-threads')?.unavailable).toMatch(/not cross-origin isolated/);
      let before = await runs(plain);
      await plain.selectOption('#backend', 'ort-wasm-1');
      const ort = await nextRun(plain, before, firstSample);
      expect(ort.backend.description).toMatch(/^onnxruntime-web \d+\.\d+\.\d+ \(wasm, 1 thread\)$/);
      check(ort, firstSample, 'ort-wasm-1 (not isolated)');
      await plain.selectOption('#backend', 'wasm-1');
      await nextRun(plain, before + 1, firstSample);
      // a checkpoint of one's own (here the shipped one under another name) replaces the model
      before = await runs(plain);
      await plain.setInputFiles('#checkpoint-file', {
        name: 'best.safetensors',
        mimeType: 'application/octet-stream',
        buffer: readFileSync(checkpoint),
      });
      check(await nextRun(plain, before, firstSample), firstSample, 'wasm-1 (own checkpoint)');
      expect(await plain.textContent('#model-info')).toContain('best.safetensors');
      // which onnxruntime-web cannot run: the ONNX file is the shipped checkpoint's export
      await plain.selectOption('#backend', 'ort-wasm-1');
      await plain.waitForFunction(() => setrDemo.state === 'error', undefined, { timeout: 60_000, polling: 100 });
      expect(await plain.evaluate(() => setrDemo.error)).toMatch(/^onnxruntime-web runs .*model\.onnx.* not best\.safetensors/);
    } finally {
      await plain.close();
    }
  });

  it('shows the mask, the legend, the timing and an attention map, and takes a screenshot', async () => {
    const before = await runs(page);
    await page.selectOption('#backend', 'wasm-threads');
    await page.selectOption('#sample', firstSample); // back from the dropped picture to the photo
    const r = await nextRun(page, before, firstSample);
    check(r, firstSample, 'wasm-threads');
    await page.selectOption('#layer', '5');
    const box = await page.locator('#view').boundingBox();
    if (!box) throw new Error('no #view canvas');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.45); // a patch on the buildings
    expect(await page.textContent('#timing')).toMatch(/time per image: \d+ ms/);
    expect(await page.textContent('#actual')).toContain(r.backend.description);
    expect(await page.locator('#legend li').count()).toBe(11);
    expect(await page.textContent('#attention-caption')).toMatch(
      /^layer 6, the mean of its heads: where patch \(\d+, \d+\) of 12×16 looks/,
    );
    const shot = join(outDir, 'web-demo.png');
    await page.screenshot({ path: shot, fullPage: true });
    const meta = await sharp(shot).metadata();
    expect(meta.width).toBeGreaterThan(800);
    if (process.env.SETR_WEB_SCREENSHOT) copyFileSync(shot, join(root, process.env.SETR_WEB_SCREENSHOT));
    console.info(`web demo: screenshot ${shot}; times per image (ms): ${JSON.stringify(timings)}`);
  });
});
