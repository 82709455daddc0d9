/**
 * gpu.js in WebGL2 mode trains: the kernels of a backward pass compile as GLSL ES 3.00 and compute
 * what the reference backend computes. Node has no WebGL2 (the gpujs tests there run webgpu, webasm
 * and cpu), so this runs in headless Chromium (WebGL2 on SwiftShader, a CPU rasteriser): the cases of
 * `support/gpujs-cases.ts` — scatterAdd, the gradients of gather and cross-entropy, and every
 * gradient of SETR-Tiny-PUP at 16×16 — bundled by vite, run once on the reference backend and once on
 * `gpujs` `{ mode: 'webgl2' }` in one page, compared within 1e-4 (of the output's largest magnitude
 * where that exceeds 1).
 *
 * Without Chromium (/usr/bin/chromium) it is skipped with a note, except in CI (CI=true), where it fails.
 */
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumHere } from './support/chromium.js';
import type { CaseBackend, CaseResults } from './support/gpujs-cases.js';

const cases = fileURLToPath(new URL('./support/gpujs-cases.ts', import.meta.url));
const haveChromium = chromiumHere('gpu.js WebGL2 test');
declare const gpujsCases: (backend: CaseBackend) => Promise<CaseResults>;

/**
 * The cases as one classic script for the page (no minifying: gpu.js reads its kernel helpers' source
 * text). Errors only: the wasm backend's `import.meta.url`, unused here, draws a warning in this format.
 */
async function bundle(): Promise<string> {
  const out = (await build({
    configFile: false,
    logLevel: 'error',
    build: { write: false, minify: false, target: 'es2022', lib: { entry: cases, formats: ['iife'], name: 'gpujsCasesBundle' } },
  })) as Rollup.RollupOutput[];
  const chunk = out[0].output.find((o) => o.type === 'chunk');
  if (!chunk) throw new Error('gpu.js WebGL2 test: vite built no script');
  return chunk.code;
}

describe.skipIf(!haveChromium)('gpu.js WebGL2 in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const script = await bundle();
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto('about:blank');
    await page.addScriptTag({ content: script });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('computes scatterAdd and the gradients of gather, cross-entropy and SETR-Tiny as the reference does', async () => {
    const want = await page.evaluate(() => gpujsCases('reference'));
    const started = performance.now();
    const got = await page.evaluate(() => gpujsCases('gpujs-webgl2'));
    console.log(`gpu.js WebGL2 cases: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(Object.keys(got)).toEqual(Object.keys(want));
    const worst: Record<string, number> = {};
    for (const [name, w] of Object.entries(want)) {
      expect(got[name], name).toHaveLength(w.length);
      const scale = Math.max(1, ...w.map(Math.abs));
      worst[name] = Math.max(0, ...w.map((v, i) => Math.abs(got[name][i] - v))) / scale;
    }
    console.log(`worst difference: ${Math.max(...Object.values(worst)).toExponential(2)}`);
    const off = Object.entries(worst).filter(([, d]) => !(d <= 1e-4));
    expect(off, 'cases off by more than 1e-4').toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
