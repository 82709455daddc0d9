/**
 * The training page in a real browser (Debian's Chromium, headless, driven by playwright-core; the
 * page built with vite and served by `vite preview` with the COOP/COEP headers). A smoke run of
 * setr-tiny-pup on the first 40 CamVid training pictures (5 steps an epoch), validated on the first
 * 24 validation pictures, 4 epochs, seed 0, wasm on all cores — and the same run in Node, through
 * `trainSetr` (what `setr train` calls) on the same pictures, wasm on one thread. The test
 *
 * - presses Train; in epoch 2 Pause holds the loop between two steps and Continue goes on; in epoch 3
 *   it saves a screenshot (test-output/train-in-browser.png, and at $SETR_TRAIN_SCREENSHOT:
 *   `npm run screenshot:train` writes docs/images/train-in-browser.png);
 * - reloads the page in the middle of epoch 3: the page finds epoch 2's checkpoint in IndexedDB and
 *   Train resumes it, as `setr train --resume` does;
 * - checks the 20 step losses — 10 before the reload, 10 after — against Node's: within 1e-5 (in
 *   every run so far they were equal to the last bit), and the validation mIoU of each epoch;
 * - downloads the best model and scores it with the CLI's `setr eval` on the same validation pictures:
 *   the mIoU the page showed for that epoch.
 *
 * A second test opens one run in two tabs: while the first trains, the second's Train is refused with
 * the reason on the page (the run's Web Lock); Stop, and closing a tab, let the lock go.
 *
 * Without Chromium (/usr/bin/chromium; `apt-get install chromium`) it is skipped with a note, except in
 * CI (CI=true), where it fails.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CAMVID_CLASS_WEIGHTS, loadCamVid, preset, trainSetr } from '@setr-ts/setr';
import { setBackend } from '@setr-ts/tensor';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumHere } from './support/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const camvid = join(repo, 'data/camvid/96x128');
const outDir = join(root, 'test-output');
const MODEL = 'setr-tiny-pup';
const [TRAIN, VAL, EPOCHS, SEED] = [40, 24, 4, 0];

const haveChromium = chromiumHere('training page test');

interface TrainPage {
  state: string;
  held: boolean;
  error: string | null;
  losses: number[];
  step: number;
  epochs: { epoch: number; loss: number; valMeanIoU: number }[];
  saved: { epoch: number; step: number; epochs: number } | null;
  resumedFrom: number | null;
  backend: string;
  imagesPerSecond: number;
  peakWasmBytes: number;
  crossOriginIsolated: boolean;
}
declare const setrTrain: TrainPage;

/** The names of the Web Locks held in the page's origin (every tab of the browser context). */
const heldLocks = (page: Page) => page.evaluate(async () => (await navigator.locks.query()).held?.map((l) => l.name) ?? []);

/** Waits until `done(setrTrain)` holds in the page, failing at once on the page's error. */
async function until(page: Page, done: string, timeout = 240_000): Promise<TrainPage> {
  await page.waitForFunction(`setrTrain.state === 'error' || (${done})`, undefined, { timeout, polling: 100 });
  const state = await page.evaluate(() => setrTrain);
  if (state.state === 'error') throw new Error(`the page failed: ${state.error}`);
  return state;
}

describe.skipIf(!haveChromium)('training in the browser (headless Chromium)', () => {
  let server: PreviewServer;
  let browser: Browser;
  let page: Page;
  let work: string;
  let node: { losses: number[]; valMeanIoU: number[]; seconds: number };
  const pageErrors: string[] = [];
  const url = `train.html?model=${MODEL}&epochs=${EPOCHS}&seed=${SEED}&train=${TRAIN}&val=${VAL}&backend=wasm-threads`;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'setr-train-page-'));
    mkdirSync(outDir, { recursive: true });
    await build({ root, logLevel: 'warn' });
    // the same run in Node: setr train's trainSetr, on the same pictures and seed, on wasm — on one thread
    // (the page runs two): a thread count changes no sum's order in this backend, and one thread is
    // quicker where other work keeps the cores busy
    await setBackend('wasm', { threads: 1 });
    const [train, val] = await Promise.all([loadCamVid(camvid, 'train'), loadCamVid(camvid, 'val')]);
    const started = performance.now();
    const run = await trainSetr({
      config: preset(MODEL),
      train: train.slice(0, TRAIN),
      val: val.slice(0, VAL),
      out: join(work, 'node-run'),
      seed: SEED,
      epochs: EPOCHS,
      classWeights: CAMVID_CLASS_WEIGHTS,
      report: false,
    });
    run.model.dispose();
    node = { losses: run.losses, valMeanIoU: run.history.map((r) => r.valMeanIoU), seconds: (performance.now() - started) / 1000 };
    server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1' } });
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('trains, resumes after a reload from IndexedDB, and takes the steps Node takes', async () => {
    const base = server.resolvedUrls?.local[0] as string;
    await page.goto(new URL(url, base).href);
    await until(page, "setrTrain.state === 'ready'");
    expect(await page.evaluate(() => setrTrain.crossOriginIsolated)).toBe(true);
    const started = performance.now();
    await page.click('#train');
    // Pause holds the loop between two steps, Continue goes on
    await until(page, 'setrTrain.saved?.epoch === 1 && setrTrain.step >= 6');
    await page.click('#pause');
    const held = await until(page, 'setrTrain.held');
    await page.waitForTimeout(1000);
    expect([await page.evaluate(() => setrTrain.step), await page.textContent('#pause')]).toEqual([held.step, 'Continue']);
    await page.click('#pause');
    // mid-run: epoch 2 saved, its predictions drawn; the screenshot for the README
    await until(page, 'setrTrain.saved?.epoch === 2 && setrTrain.step > 11');
    const shot = join(outDir, 'train-in-browser.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.SETR_TRAIN_SCREENSHOT) copyFileSync(shot, process.env.SETR_TRAIN_SCREENSHOT);
    const before = await page.evaluate(() => setrTrain);
    expect(before.backend).toMatch(/^wasm \(.*2 threads/);

    // leave in the middle of epoch 3 and come back: the checkpoint of epoch 2 is in IndexedDB
    await page.reload();
    const reloaded = await until(page, "setrTrain.state === 'ready'");
    expect(reloaded.saved).toEqual({ epoch: 2, step: 10, epochs: EPOCHS });
    expect(reloaded.losses).toEqual(before.losses.slice(0, 10)); // the curve up to the checkpoint, redrawn
    expect(await page.textContent('#train')).toBe('Resume training');
    await page.click('#train');
    const done = await until(page, "setrTrain.state === 'done'");
    const seconds = (performance.now() - started) / 1000;
    expect(done.resumedFrom).toBe(2);

    // the first 20 step losses against Node's: 10 before the reload, 10 computed after it
    expect(done.losses).toHaveLength(EPOCHS * (TRAIN / 8));
    expect(node.losses).toHaveLength(done.losses.length);
    const diffs = done.losses.map((l, i) => Math.abs(l - node.losses[i]));
    writeFileSync(
      join(outDir, 'train-losses.json'),
      `${JSON.stringify({ model: MODEL, node: node.losses, page: done.losses, maxDiff: Math.max(...diffs), nodeSeconds: node.seconds, pageSeconds: seconds, pageImagesPerSecond: done.imagesPerSecond, peakWasmBytes: done.peakWasmBytes }, null, 1)}\n`,
    );
    expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-5);
    const pageMiou = done.epochs.map((e) => e.valMeanIoU);
    for (const [i, m] of pageMiou.entries()) expect(Math.abs(m - node.valMeanIoU[i])).toBeLessThanOrEqual(1e-6);

    // the best model, downloaded, scored by the CLI's eval on the same validation pictures (a CamVid
    // folder whose val.txt lists the first VAL)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(work, download.suggestedFilename());
    await download.saveAs(file);
    const data = join(work, 'camvid');
    mkdirSync(data);
    for (const f of ['val', 'valannot']) symlinkSync(join(camvid, f), join(data, f));
    writeFileSync(join(data, 'val.txt'), readFileSync(join(camvid, 'val.txt'), 'utf8').split('\n').slice(0, VAL).join('\n'));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      // the format named: detectFormat reads folders, not the symlinks to them
      [join(repo, 'packages/setr/bin/setr.js'), 'eval', '--checkpoint', file, '--data', data, '--format', 'camvid', '--json'],
      { cwd: repo },
    );
    const scored = JSON.parse(stdout) as { images: number; miou: number };
    expect(scored.images).toBe(VAL);
    const best = Math.max(...pageMiou);
    expect(Math.abs(scored.miou - best)).toBeLessThanOrEqual(1e-6);
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it('refuses to train a run another tab trains, and holds no lock after Stop or a closed tab', async () => {
    const base = server.resolvedUrls?.local[0] as string;
    const run = 'train.html?model=setr-tiny-naive&epochs=4&seed=0&train=40&val=8&backend=wasm-1'; // 20 steps: time to press Pause
    const context = await browser.newContext(); // its own IndexedDB: the first test's run stays apart
    const [first, second] = [await context.newPage(), await context.newPage()];
    for (const tab of [first, second]) {
      await tab.goto(new URL(run, base).href);
      await until(tab, "setrTrain.state === 'ready'");
    }
    await first.click('#train');
    await until(first, "setrTrain.state === 'training'");
    await first.click('#pause'); // held between two steps, so that the run is still on when the second tab asks
    await until(first, "setrTrain.state === 'paused'");
    expect(await heldLocks(second)).toEqual(['setr-runs/setr-tiny-naive-train40-val8']);
    await second.click('#train');
    await second.waitForFunction("setrTrain.state === 'error'");
    expect(await second.textContent('#state')).toMatch(
      /^error: train: the run setr-tiny-naive-train40-val8 \(IndexedDB setr-runs\/setr-tiny-naive-train40-val8\) is being trained in another tab/,
    );
    // Stop lets the lock go: the second tab trains now
    await first.click('#stop');
    await until(first, "setrTrain.state === 'stopped'");
    expect(await heldLocks(second)).toEqual([]);
    await second.click('#train');
    await second.waitForFunction("setrTrain.state === 'training'");
    await second.click('#pause');
    await second.waitForFunction("setrTrain.state === 'paused'");
    expect(await heldLocks(first)).toEqual(['setr-runs/setr-tiny-naive-train40-val8']);
    // and closing a tab in the middle of its run does too
    await second.close();
    await expect.poll(() => heldLocks(first)).toEqual([]);
    await context.close();
  }, 120_000);
});
