/**
 * Our weights in the real mmsegmentation 1.x, and back. scripts/make-mmseg-fixtures.ts exported small
 * random SETRs of each decoder in both styles (with `exportToMmseg`, as `setr export --to mmseg` does);
 * scripts/gen_mmseg_fixtures.py built each model with mmseg 1.1.1 / mmcv 2.0.1 / mmengine 0.8.4 from the
 * exported config.py, loaded weights.safetensors with strict=True (and weights.pth with mmengine's
 * load_checkpoint), and wrote its logits and auxiliary logits. Here: the report says the loads were
 * clean; importing either file gives mmseg's outputs within 1e-4; exporting the import again writes
 * the same bytes; an mmseg-style model survives export and import bit for bit; and what mmseg cannot
 * build is refused, naming the details.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, tidy } from '@setr-ts/autograd';
import { loadSafetensors, savePth } from '@setr-ts/nn';
import { manualSeed, type Tensor, toBackend } from '@setr-ts/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToMmseg, importFromMmseg, preset, Setr, toMmseg } from '../src/index.js';
import { backendsUnderTest, useBackend } from './support/backends.js';
import { shrink } from './support/configs.js';
import { disposeAll, expectClose, fixturePath } from './support/fixtures.js';

const root = fixturePath('mmseg');
const cases = readdirSync(root).sort();
const file = (c: string, name: string) => join(root, c, name);
const tmp = mkdtempSync(join(tmpdir(), 'setr-mmseg-'));

it('covers every decoder, in both styles but the official MLA', () => {
  expect(cases).toEqual(['mla-mmseg', 'naive-mmseg', 'naive-official', 'pup-mmseg', 'pup-official']);
});

describe.each(cases)('%s', (c) => {
  it('loaded into real mmseg with strict=True: no missing, unexpected or mismatched key; the .pth equals the safetensors and loads with load_checkpoint', () => {
    const report = JSON.parse(readFileSync(file(c, 'report.json'), 'utf8'));
    expect(report.versions).toMatchObject({ mmseg: '1.1.1', mmcv: '2.0.1', mmengine: '0.8.4' });
    expect(report.load).toEqual({ missing: [], unexpected: [], mismatched: [] });
    expect(report['weights.pth']).toMatchObject({
      equal_to_safetensors: true,
      torch_load_weights_only: true,
      load_checkpoint_strict: true,
    });
  });

  it('exporting the imported model again writes the same config.py, weights.safetensors and weights.pth, byte for byte', async () => {
    const trained = await importFromMmseg(file(c, 'weights.pth'));
    const out = join(tmp, c);
    await exportToMmseg(trained, out);
    trained.model.dispose();
    for (const name of ['config.py', 'weights.safetensors', 'weights.pth'])
      expect(Buffer.compare(readFileSync(join(out, name)), readFileSync(file(c, name))), name).toBe(0);
  });
});

describe.each(backendsUnderTest())('mmseg’s outputs on $label', (bk) => {
  const outputs: Record<string, Record<string, Tensor>> = {};
  beforeAll(async () => {
    await useBackend(bk);
    for (const c of cases) outputs[c] = await loadSafetensors(file(c, 'outputs.safetensors'), { backend: 'reference' });
  });
  afterAll(() => {
    for (const o of Object.values(outputs)) disposeAll(o);
  });

  it.each(cases.flatMap((c) => [`${c} weights.safetensors`, `${c} weights.pth`]))(
    '%s: logits and every auxiliary output within 1e-4',
    async (name) => {
      const [c, weights] = name.split(' ');
      const { model } = await importFromMmseg(file(c, weights));
      model.to(bk.dtype);
      const { input } = await loadSafetensors(file(c, 'input.safetensors'), { backend: 'reference' });
      const x = tidy(() => toBackend(input.to(bk.dtype), model.backbone.posEmbed.data.backend));
      const out = tidy(() => noGrad(() => model.forward(x, { aux: true })));
      const want = outputs[c];
      await expectClose(out.logits.data, want.logits, 1e-4, `${name} logits`);
      expect(out.aux.length).toBe(Object.keys(want).length - 1);
      for (const [j, a] of out.aux.entries()) await expectClose(a.data, want[`aux.${j}`], 1e-4, `${name} aux.${j}`);
      for (const t of [out.logits, ...out.aux, x, input]) t.dispose();
      model.dispose();
    },
  );
});

describe('export and import', () => {
  it.each(['naive', 'pup', 'mla'])('an mmseg-style %s model comes back bit for bit', async (d) => {
    manualSeed(5);
    const config = shrink(preset(`setr-tiny-${d}-mmseg`), {
      embedDim: 32,
      depth: 4,
      numHeads: 2,
      channels: 16,
      auxTaps: [1, 2],
      taps: [0, 1, 2, 3],
    });
    const model = new Setr(config);
    const dir = join(tmp, `roundtrip-${d}`);
    await exportToMmseg({ model, config: model.config, classNames: null, palette: null }, dir);
    for (const path of [join(dir, 'weights.safetensors'), join(dir, 'weights.pth')]) {
      const back = await importFromMmseg(path);
      expect(back.config).toEqual(model.config);
      const [a, b] = [model.stateDict(), back.model.stateDict()];
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      for (const k of Object.keys(a)) expect([...b[k].dataSync()], `${path} ${k}`).toEqual([...a[k].dataSync()]);
      disposeAll(a);
      disposeAll(b);
      back.model.dispose();
    }
    model.dispose();
  });

  it('an official-style MLA is refused, naming what mmseg cannot build; the error suggests the mmseg style', () => {
    const model = new Setr(shrink(preset('setr-tiny-mla'), { embedDim: 32, depth: 2, numHeads: 2, channels: 8, auxTaps: [1] }));
    expect(() => toMmseg(model)).toThrow(
      /mmsegmentation cannot build this official-style mla model: the MLA classifier is 3×3 .*; the MLA ×4 stream upsampling aligns corners .* \(a style 'mmseg' model can be exported: e\.g\. setr-tiny-mla-mmseg\)/,
    );
    model.dispose();
  });

  it('a checkpoint without a SETR config needs --config, and one of another model names its keys', async () => {
    const dir = join(tmp, 'foreign');
    const model = new Setr(shrink(preset('setr-tiny-pup-mmseg'), { embedDim: 32, depth: 2, numHeads: 2, channels: 8, auxTaps: [0] }));
    await exportToMmseg({ model, config: model.config, classNames: null, palette: null }, dir);
    const other = shrink(preset('setr-tiny-pup-mmseg'), { embedDim: 32, depth: 2, numHeads: 2, channels: 8, numClasses: 3, auxTaps: [0] });
    await expect(importFromMmseg(join(dir, 'weights.pth'), other)).rejects.toThrow(
      /weights\.pth: loadStateDict: .*mis-shaped keys .*decode_head\.conv_seg\.weight/s,
    );
    const { state } = toMmseg(model);
    await savePth(join(dir, 'bare.pth'), state);
    disposeAll(state);
    await expect(importFromMmseg(join(dir, 'bare.pth'))).rejects.toThrow(
      /bare\.pth: the checkpoint carries no SETR config; give one with --config/,
    );
    const given = await importFromMmseg(join(dir, 'bare.pth'), model.config);
    given.model.dispose();
    model.dispose();
  });
});
