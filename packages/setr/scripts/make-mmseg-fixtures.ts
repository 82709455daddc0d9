/**
 * The TypeScript half of the mmsegmentation cross-check: small SETRs of every decoder in both styles
 * (but the official MLA, which mmseg cannot build), with random weights and BatchNorm statistics away
 * from 0 and 1, exported with `exportToMmseg` as a user's `setr export --to mmseg` would, beside an input.
 * The Python half, gen_mmseg_fixtures.py, then builds each model with the real mmseg from config.py,
 * loads weights.safetensors (and weights.pth) with strict=True and writes what mmseg computes.
 *
 *   npx tsx packages/setr/scripts/make-mmseg-fixtures.ts          → test/fixtures/mmseg/<case>/{config.py, weights.*, input.safetensors}
 *   /usr/bin/python3 packages/setr/scripts/gen_mmseg_fixtures.py  → test/fixtures/mmseg/<case>/{outputs.safetensors, report.json}
 *
 * test/mmseg-crosscheck.test.ts reads them (no Python in CI).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tidy } from '@setr-ts/autograd';
import { saveSafetensors } from '@setr-ts/nn';
import { manualSeed, rand, randn } from '@setr-ts/tensor';
import { exportToMmseg, preset, Setr, type SetrConfig } from '../src/index.js';
import { type Shrink, shrink } from '../test/support/configs.js';

/** The encoder all cases share: 4 blocks of width 32, patch 8, at 32×48 (a 4×6 grid), 5 classes. */
const SMALL: Omit<Shrink, 'auxTaps'> = {
  imgSize: [32, 48],
  patchSize: 8,
  embedDim: 32,
  depth: 4,
  numHeads: 2,
  numClasses: 5,
  channels: 16,
};

/** Each case: a preset shrunk, its auxiliary heads' blocks (MLA: streams on every block). */
export const CASES: Record<string, SetrConfig> = {
  'naive-official': shrink(preset('setr-tiny-naive'), { ...SMALL, auxTaps: [1, 2] }),
  'naive-mmseg': shrink(preset('setr-tiny-naive-mmseg'), { ...SMALL, auxTaps: [1, 2] }),
  'pup-official': shrink(preset('setr-tiny-pup'), { ...SMALL, auxTaps: [1, 2, 3] }),
  'pup-mmseg': shrink(preset('setr-tiny-pup-mmseg'), { ...SMALL, auxTaps: [1, 2] }),
  'mla-mmseg': shrink(preset('setr-tiny-mla-mmseg'), { ...SMALL, auxTaps: [0, 1, 2, 3], taps: [0, 1, 2, 3] }),
};

/** Norm weights near 1, biases and running means near 0 but not 0, running variances in [0.5, 1.5): every statistic matters. */
function randomizeNorms(model: Setr): void {
  tidy(() => {
    const changed = Object.fromEntries(
      Object.entries(model.stateDict()).flatMap(([k, t]) => {
        if (k.endsWith('running_var')) return [[k, rand(t.shape).add(0.5)]];
        if (k.endsWith('running_mean') || (k.endsWith('.bias') && t.rank === 1)) return [[k, randn(t.shape).mul(0.1)]];
        if (k.endsWith('.weight') && t.rank === 1) return [[k, randn(t.shape).mul(0.1).add(1)]];
        return [];
      }),
    );
    model.loadStateDict(changed, { strict: false });
  });
}

async function main(): Promise<void> {
  const root = new URL('../test/fixtures/mmseg/', import.meta.url).pathname;
  for (const [seed, [name, config]] of Object.entries(CASES).entries()) {
    manualSeed(100 + seed);
    const model = new Setr(config);
    randomizeNorms(model);
    model.eval();
    const dir = join(root, name);
    rmSync(dir, { recursive: true, force: true });
    const classNames = ['sky', 'road', 'car', 'tree', 'person'];
    const palette: [number, number, number][] = [
      [128, 128, 128],
      [128, 64, 128],
      [64, 0, 128],
      [128, 128, 0],
      [64, 64, 0],
    ];
    const { notes } = await exportToMmseg({ model, config: model.config, classNames, palette }, dir);
    const input = randn([2, 3, 24, 40]); // a 3×5 grid: the position embedding is resized on both sides
    await saveSafetensors(join(dir, 'input.safetensors'), { input });
    input.dispose();
    model.dispose();
    console.log(`${name}: ${dir}${notes.length ? ` (${notes.join('; ')})` : ''}`);
  }
}

await main();
