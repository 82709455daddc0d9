/**
 * Time per image on every backend the page offers, in headless Chromium: the README's numbers.
 * `npm run measure -w @setr-ts/web-demo` (after `npm run build`). For each backend and picture (a
 * 96×128 CamVid photo and a 24×32 crop of it), one warm-up run (kernels compile) and then `RUNS` runs
 * through the page's "Run again" button (one on gpu.js at 96×128); prints the median, as the page measures it
 * (normalising, `segment`, reading the classes back). SETR_MEASURE_GPU_FULL=0 leaves out the 96×128
 * photo on the gpu.js modes, which are slow on a software GPU.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { preview } from 'vite';

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

const work = mkdtempSync(join(tmpdir(), 'setr-measure-'));
const small = join(work, 'small.png');
await sharp(photo).extract({ left: 48, top: 40, width: 32, height: 24 }).png().toFile(small);
const server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1' } });
const url = server.resolvedUrls?.local[0] as string;
const browser = await chromium.launch({
  executablePath: process.env.SETR_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-webgpu'],
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(0); // a software GPU keeps the page busy for long stretches
  await page.goto(url);
  await finished(page, 0, '0016E5_07959.png', 'wasm-threads');
  const choices = (await page.evaluate(() => setrDemo.choices)).filter((c) => !c.unavailable);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  console.log(`Chromium ${browser.version()}, ${cores} logical cores; median of ${RUNS} warm runs, ms per image`);
  for (const c of choices) {
    const gpu = c.id.startsWith('gpujs');
    for (const [picture, file] of [
      ['small.png', small],
      ['0016E5_07959.png', photo],
    ]) {
      if (gpu && picture !== 'small.png' && process.env.SETR_MEASURE_GPU_FULL === '0') continue;
      // the picture first (on the backend before, with the small picture there), then the backend
      let before = await runs(page);
      await page.setInputFiles('#image-file', file);
      await page.selectOption('#backend', c.id);
      await finished(page, before, picture, c.id);
      const n = gpu && picture !== 'small.png' ? 1 : RUNS; // minutes each on a software GPU
      for (let i = 0; i < n; i++) {
        before = await runs(page);
        await page.click('#run');
        await finished(page, before, picture, c.id);
      }
      const size = picture === 'small.png' ? '24×32' : '96×128';
      const times = (await page.evaluate((key) => setrDemo.times[key], `${c.id} ${size}`)).slice(1);
      const summary = await page.evaluate(() => setrDemo.last?.backend.summary);
      console.log(
        `${c.id.padEnd(13)} ${size.padEnd(7)} ${median(times).toFixed(0).padStart(7)} ms (${n} run${n > 1 ? 's' : ''})  ${summary}`,
      );
    }
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
