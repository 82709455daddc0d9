/**
 * Configurations the fixtures do not cover — PUP with patch 16 (four ×2 stages), MLA with three streams
 * and a subset of auxiliary heads, non-square images — checked against PyTorch directly: the model's
 * weights and an input are written here, `scripts/gen_fixtures.py --forward` runs the same model in
 * PyTorch, and the logits must agree. Only where Debian's python3 with torch exists (skipped elsewhere;
 * the fixture tests are the ones that always run).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, tidy } from '@setr-ts/autograd';
import { loadSafetensors, saveSafetensors } from '@setr-ts/nn';
import { manualSeed, randn, setBackend } from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import { hasTorch } from '../../nn/test/support/python.js';
import { preset, Setr, type SetrConfig } from '../src/index.js';
import { shrink } from './support/configs.js';
import { disposeAll, expectClose } from './support/fixtures.js';

const python = '/usr/bin/python3';
const script = new URL('../scripts/gen_fixtures.py', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'setr-crosscheck-'));

const small = { imgSize: [32, 64], patchSize: 16, embedDim: 32, depth: 3, numHeads: 2, mlpRatio: 2, numClasses: 3, channels: 8 } as const;
const tiny = (decoder: string, auxTaps: number[]): SetrConfig =>
  shrink(preset(`setr-tiny-${decoder}`), { ...small, imgSize: [32, 64], auxTaps, taps: [0, 1, 2] });

describe.runIf(hasTorch)('SETR against PyTorch, on configurations written here', () => {
  it.each([
    ['pup, patch 16', tiny('pup', [0, 2])],
    ['mla, 3 streams, 1 auxiliary head', tiny('mla', [1])],
    ['naive, patch 16', tiny('naive', [0, 2])],
  ])('%s', async (name, config) => {
    await setBackend('reference');
    manualSeed(7);
    const model = new Setr(config).to('float64');
    // BatchNorm's running statistics away from 0 and 1, so evaluation mode is really tested
    tidy(() => {
      for (const [k, t] of model.namedBuffers()) if (k.endsWith('running_var')) model.loadStateDict({ [k]: t.add(0.5) }, { strict: false });
    });
    model.eval();
    const stem = join(dir, name.replace(/\W+/g, '-'));
    writeFileSync(`${stem}.json`, JSON.stringify(config));
    await model.save(`${stem}.weights.safetensors`);
    const input = randn([2, 3, 48, 80], { dtype: 'float64' });
    await saveSafetensors(`${stem}.input.safetensors`, { input });
    execFileSync(python, [
      script,
      '--forward',
      `${stem}.json`,
      `${stem}.weights.safetensors`,
      `${stem}.input.safetensors`,
      `${stem}.out.safetensors`,
    ]);
    const want = await loadSafetensors(`${stem}.out.safetensors`);
    const got = tidy(() => noGrad(() => model.forward(input, { aux: true })));
    await expectClose(got.logits.data, want.logits, 1e-9, `${name} logits`);
    expect(got.aux.length).toBe(config.auxHeads.length);
    for (const [j, a] of got.aux.entries()) await expectClose(a.data, want[`aux.${j}`], 1e-9, `${name} aux.${j}`);
    disposeAll(want);
    model.dispose();
  });
});
