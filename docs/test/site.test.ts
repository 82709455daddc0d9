/**
 * The tutorials site in a real browser: Debian's Chromium, headless, driven by playwright-core. The site
 * is built (`vitepress build`) and served by .vitepress/serve.mjs with the COOP/COEP headers, so the
 * pages are cross-origin isolated and the live code runs on wasm with all cores, as a reader's would.
 *
 * - Every chapter: the page is opened with `?smoke=1` (SETR_SMOKE=1 in the page's `process.env`, as
 *   tutorials.test.ts sets it), its live blocks are checked to be the chapter's ```ts blocks, Run all
 *   is pressed, and every line of the chapter's ```text prints blocks must appear, in order, in what the
 *   page shows under the blocks — tutorials.test.ts's contract, in the page. What a chapter cannot do in
 *   a browser is listed in KNOWN with the failure expected; when it runs, the test says to remove it.
 * - One block is edited (a number changed) and run: its output changes, and the block after it sees the
 *   change. A block that never ends is stopped, and the next Run starts a fresh program.
 * - Times per chapter and per block go to test-output/timings.json (and to .vitepress/live/block-times.json,
 *   which the pages read to say which blocks are slow, with SETR_DOCS_TIMES=1); a screenshot of a chapter
 *   with its output to test-output/ (and to $SETR_DOCS_SCREENSHOT too).
 *
 * Without Chromium (/usr/bin/chromium; `apt-get install chromium`) it is skipped with a note, except in
 * CI (CI=true), where it fails.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashCode } from '../.vitepress/live/hash.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { serveSite } from '../.vitepress/serve.mjs';
import { chapterNames, docs, inOrder, readChapter } from './chapters.js';

const CHROMIUM = process.env.SETR_CHROMIUM ?? '/usr/bin/chromium';
const outDir = join(docs, 'test-output');
const dist = join(docs, '.vitepress', 'dist');

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') {
  throw new Error(`docs site test: ${CHROMIUM} is missing; CI must install it (apt-get install chromium)`);
}
if (!haveChromium) console.warn(`docs site test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set SETR_CHROMIUM)`);

/**
 * What a chapter cannot do in the page, and the failure that shows it. Each entry is a limit of the
 * browser, not of the site; the test fails when the failure changes or goes away.
 */
const KNOWN: Record<string, { error: RegExp; why: string }> = {};

interface BlockResult {
  state: string;
  ms: number;
  text: string;
}

interface ChapterTiming {
  ms: number;
  blocks: { ms: number; state: string }[];
  backend: string;
  passed: boolean;
}

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

/** Waits until the chapter is idle again after a Run (no block running or queued). */
async function idle(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(
    () => {
      const c = document.querySelector<HTMLElement>('.live-chapter');
      const blocks = [...document.querySelectorAll<HTMLElement>('.live-block')];
      return c?.dataset.state === 'idle' && blocks.every((b) => b.dataset.state !== 'running' && b.dataset.state !== 'queued');
    },
    null,
    { timeout, polling: 200 },
  );
}

const results = (page: Page) =>
  page.evaluate(() => ({
    backend: document.querySelector<HTMLElement>('.live-chapter')?.dataset.backend ?? '',
    info: document.querySelector('.live-backend-info')?.textContent ?? '',
    runtime: document.querySelector('.live-runtime')?.textContent ?? '',
    blocks: [...document.querySelectorAll<HTMLElement>('.live-block')].map((b) => ({
      state: b.dataset.state ?? '',
      ms: Number(b.dataset.ms ?? 0),
      text: b.querySelector('.live-output')?.textContent ?? '',
    })),
  }));

async function openChapter(browser: Browser, url: string, name: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}${name.replace(/\.md$/, '.html')}?smoke=1&backend=wasm`);
  await page.waitForSelector('.live-toolbar', { timeout: 60_000 });
  return { page, errors };
}

/** Replaces a block's text in its editor, as a reader would: select all, type. */
async function typeInto(page: Page, block: number, text: string): Promise<void> {
  await page.locator('.live-block').nth(block).locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

describe.skipIf(!haveChromium)('the tutorials site in headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let url: string;
  const timings: Record<string, ChapterTiming> = {};
  const blockTimes: Record<string, { hash: string; ms: number }> = {};

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    const t0 = Date.now();
    await promisify(execFile)(process.execPath, [join(docs, '..', 'node_modules', 'vitepress', 'bin', 'vitepress.js'), 'build', docs], {
      cwd: docs,
      maxBuffer: 64 << 20,
    });
    console.info(`docs site: built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const port = await freePort();
    server = await serveSite({ root: `${dist}/`, port, host: '127.0.0.1' });
    url = `http://127.0.0.1:${port}/`;
    // WebGPU is behind a flag in Chromium on Linux (chapter 2's gpujs takes it when there is one)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--enable-unsafe-webgpu'] });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(null)));
    if (Object.keys(timings).length === 0) return;
    writeFileSync(join(outDir, 'timings.json'), `${JSON.stringify(timings, null, 1)}\n`);
    const summary = Object.entries(timings)
      .map(([c, t]) => `${c} ${(t.ms / 1000).toFixed(1)} s${t.passed ? '' : ' (fails)'}`)
      .join(', ');
    console.info(`docs site: per chapter in the page (${Object.values(timings)[0]?.backend}): ${summary}`);
    if (process.env.SETR_DOCS_TIMES === '1') {
      const cores = cpus();
      const file = join(docs, '.vitepress', 'live', 'block-times.json');
      const machine = `${cores.length} cores`;
      const detail = `${cores[0]?.model ?? 'unknown CPU'}, Chromium, wasm with ${cores.length} threads, SETR_SMOKE=1`;
      const slow = Object.fromEntries(Object.entries(blockTimes).filter(([, t]) => t.ms >= 1000)); // the page notes those of 2 s and more
      writeFileSync(file, `${JSON.stringify({ machine, detail, blocks: slow }, null, 2)}\n`);
    }
  });

  it('has every chapter', () => {
    expect(chapterNames().length).toBeGreaterThanOrEqual(9);
  });

  for (const name of chapterNames()) {
    const { blocks, prints } = readChapter(name);
    if (blocks.length === 0) continue;
    it(`${name} runs in the page and prints what it says`, async () => {
      const { page, errors } = await openChapter(browser, url, name);
      try {
        // the page's live blocks are the chapter's program, block for block
        const codes = await page.$$eval('.live-block', (els) => els.map((e) => (e as HTMLElement).dataset.code));
        expect(codes).toEqual(blocks);
        const t0 = Date.now();
        await page.click('.live-run-all');
        await idle(page, 280_000);
        const ms = Date.now() - t0;
        const r = await results(page);
        const printed = r.blocks.map((b: BlockResult) => b.text).join('');
        const failed = r.blocks.findIndex((b: BlockResult) => b.state !== 'done');
        const missing = inOrder(
          printed.split('\n').map((l) => l.trimEnd()),
          prints,
        );
        const passed = failed < 0 && missing === null;
        timings[name] = { ms, blocks: r.blocks.map((b: BlockResult) => ({ ms: b.ms, state: b.state })), backend: r.backend, passed };
        r.blocks.forEach((b: BlockResult, i: number) => {
          if (b.state === 'done') blockTimes[`${name.replace(/\.md$/, '')}#${i}`] = { hash: hashCode(blocks[i]), ms: b.ms };
        });
        expect(r.backend).toMatch(/^wasm \((relaxed )?SIMD, \d+ threads?\)$/);
        expect(r.info).toContain('cross-origin isolated');
        const known = KNOWN[name];
        if (known) {
          expect(passed, `${name} now runs in the page: remove it from KNOWN (${known.why})`).toBe(false);
          expect(printed, `${name}: not the known failure (${known.why})`).toMatch(known.error);
          console.warn(`docs site: ${name} does not run fully in the page: ${known.why}`);
        } else {
          expect(
            failed,
            `${name}: block ${failed + 1} did not finish (${r.blocks[failed]?.state}):\n${r.blocks[failed]?.text}\n--- the page showed:\n${printed}`,
          ).toBe(-1);
          expect(
            missing,
            `${name}: this printed line is missing or out of order:\n${missing}\n--- the page showed:\n${printed}`,
          ).toBeNull();
        }
        if (!known) {
          // what the reader sees under each ```text prints block agrees
          const marks = await page.$$eval('.live-prints', (els) => els.map((e) => (e as HTMLElement).dataset.match));
          expect(marks.every((m) => m === 'yes')).toBe(true);
        }
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, 300_000);
  }

  it('runs an edited block with its new number, and the next block sees it; shows a picture a block writes; Stop ends a block that never ends', async () => {
    const name = '01-tensors.md';
    const { blocks } = readChapter(name);
    const { page, errors } = await openChapter(browser, url, name);
    try {
      const from = ['T.arange(0, 6, 1', '.reshape(2, 3)'];
      for (const f of from) expect(blocks[0], `chapter 1's first block no longer has '${f}': update this test`).toContain(f);
      await typeInto(page, 0, blocks[0].replace(from[0], 'T.arange(0, 8, 1').replace(from[1], '.reshape(2, 4)'));
      expect(await page.locator('.live-block').nth(0).getAttribute('data-state')).toBe('fresh');
      await page.locator('.live-block').nth(1).locator('.live-run').click(); // runs the edited block 1 first, then block 2
      await idle(page, 60_000);
      let r = await results(page);
      expect(r.blocks.slice(0, 2).map((b: BlockResult) => b.state)).toEqual(['done', 'done']);
      expect(r.blocks[0].text).toContain('shape [ 2, 4 ] strides [ 4, 1 ] offset 0');
      expect(r.blocks[1].text).toContain('a[1, 2] is at 6 and holds 6');

      // edited again after it ran: the block and those after it are marked, and Run runs it again
      await typeInto(page, 0, blocks[0].replace(from[0], 'T.arange(0, 10, 1').replace(from[1], '.reshape(2, 5)'));
      expect((await results(page)).blocks.slice(0, 2).map((b: BlockResult) => b.state)).toEqual(['stale', 'stale']);
      await page.locator('.live-block').nth(1).locator('.live-run').click();
      await idle(page, 60_000);
      r = await results(page);
      expect(r.blocks[0].text).toContain('shape [ 2, 5 ] strides [ 5, 1 ] offset 0');
      expect(r.blocks[1].text).toContain('a[1, 2] is at 7 and holds 7');

      // a picture a block writes to a file shows under it (setr's writePng: the page's sharp and file system)
      await typeInto(
        page,
        2,
        "import { raster, writePng } from '@setr-ts/setr';\nawait writePng('/tmp/grey.png', raster(2, 3, 3, new Uint8Array(18).fill(128)));\n",
      );
      await page.locator('.live-block').nth(2).locator('.live-run').click();
      await idle(page, 60_000);
      const picture = page.locator('.live-block').nth(2).locator('.live-picture img');
      await picture.waitFor();
      expect(await picture.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([3, 2]);

      // a block that never ends: Stop terminates the worker; the next Run starts afresh from block 1
      await typeInto(page, 2, 'for (;;) {}\n');
      await page.locator('.live-block').nth(2).locator('.live-run').click();
      await page.waitForFunction(() => document.querySelectorAll<HTMLElement>('.live-block')[2]?.dataset.state === 'running');
      await page.click('.live-stop');
      await idle(page, 10_000);
      r = await results(page);
      expect(r.blocks[2].state).toBe('error');
      expect(r.blocks[2].text).toContain('stopped');
      await page.locator('.live-block').nth(2).locator('.live-reset').click();
      await page.locator('.live-block').nth(2).locator('.live-run').click();
      await idle(page, 60_000);
      r = await results(page);
      expect(r.blocks.slice(0, 3).map((b: BlockResult) => b.state)).toEqual(['done', 'done', 'done']);
      expect(r.blocks[2].text).toContain('contiguous strides of [4, 2, 5]: [ 10, 5, 1 ]');

      // to another chapter through the sidebar (no page load): its blocks become live, and run
      await page.click('.VPSidebar a[href$="03-autograd.html"]');
      await page.waitForFunction(() => location.pathname.endsWith('03-autograd.html'));
      await page.waitForFunction(
        (n) => document.querySelectorAll('.live-block .live-bar').length === n,
        readChapter('03-autograd.md').blocks.length,
      );
      expect(await page.locator('.live-toolbar').count()).toBe(1);
      await page.locator('.live-block').nth(0).locator('.live-run').click();
      await idle(page, 60_000);
      expect((await results(page)).blocks[0].state).toBe('done');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 180_000);

  it('runs a chapter on one thread where the host sends no isolation headers', async () => {
    const plain: Server = await serveSite({ root: `${dist}/`, port: await freePort(), host: '127.0.0.1', isolate: false });
    try {
      const { port } = plain.address() as { port: number };
      const { page, errors } = await openChapter(browser, `http://127.0.0.1:${port}/`, '01-tensors.md');
      try {
        await page.click('.live-run-all');
        await idle(page, 60_000);
        const r = await results(page);
        expect(r.blocks.every((b: BlockResult) => b.state === 'done')).toBe(true);
        expect(r.backend).toMatch(/^wasm \((relaxed )?SIMD, 1 thread, memory cannot be shared here\)$/);
        expect(r.info).toContain('not cross-origin isolated');
        expect(
          inOrder(
            r.blocks
              .map((b: BlockResult) => b.text)
              .join('')
              .split('\n'),
            readChapter('01-tensors.md').prints,
          ),
        ).toBeNull();
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    } finally {
      await new Promise((r) => plain.close(r));
    }
  }, 120_000);

  it('shows a chapter with its output (screenshot)', async () => {
    const { page } = await openChapter(browser, url, '04-modules.md');
    try {
      await page.setViewportSize({ width: 1280, height: 1180 });
      await page.click('.live-run-all');
      await idle(page, 120_000);
      // the last block (a network trained on two moons) under the toolbar, with its output
      await page.evaluate(() => {
        const bar = [...document.querySelectorAll('.live-block .live-bar')].at(-1);
        const toolbar = document.querySelector('.live-toolbar');
        if (bar && toolbar) window.scrollBy(0, bar.getBoundingClientRect().top - toolbar.getBoundingClientRect().bottom - 12);
      });
      const shot = join(outDir, 'live-chapter.png');
      await page.screenshot({ path: shot });
      if (process.env.SETR_DOCS_SCREENSHOT) copyFileSync(shot, join(docs, '..', process.env.SETR_DOCS_SCREENSHOT));
      expect(readFileSync(shot).length).toBeGreaterThan(10_000);
    } finally {
      await page.close();
    }
  }, 180_000);
});
