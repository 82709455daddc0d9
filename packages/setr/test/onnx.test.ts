/**
 * SETR exported to ONNX and run by the real runtime: every decoder in both styles (the tiny presets,
 * random weights, BatchNorm statistics away from 0 and 1) and a paper-size model at a small input give,
 * in onnxruntime-node, our logits and every auxiliary output within 1e-4; the dynamic export does so at
 * two image sizes and another batch; the files pass `onnx.checker` (full check) where python3-onnx is
 * installed; and `setr export --onnx` exports the shipped model.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, tidy, type Variable, variable } from '@setr-ts/autograd';
import { BatchNorm2d } from '@setr-ts/nn';
import { manualSeed, randn, setBackend, type Tensor } from '@setr-ts/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOnnxFiles, hasOnnxChecker, maxAbsDiff, runOnnx } from '../../nn/test/support/onnx.js';
import { runCli } from '../src/cli/run.js';
import { exportSetrOnnx, preset, Setr, type SetrConfig } from '../src/index.js';
import { loadTrainedModel } from '../src/model-file.js';

const dir = mkdtempSync(join(tmpdir(), 'setr-onnx-'));
const written: string[] = [];
/** The largest |ours − onnxruntime| per model and output, printed at the end. */
const report: Record<string, Record<string, number>> = {};

beforeAll(async () => {
  await setBackend('wasm');
  manualSeed(21);
});

/** A model of `config` whose BatchNorms have running statistics away from 0 and 1 (so that eval mode is tested). */
function randomModel(config: SetrConfig): Setr {
  const model = new Setr(config).eval();
  for (const m of model.modules()) {
    if (!(m instanceof BatchNorm2d)) continue;
    m.setBuffer('running_mean', randn([m.numFeatures]).mul(0.2));
    m.setBuffer('running_var', randn([m.numFeatures]).abs().add(0.5));
  }
  return model;
}

/** Runs `bytes` in onnxruntime on `images` and returns max |ours − theirs| per output (logits, aux.j), checking the shapes. */
async function differences(model: Setr, bytes: Uint8Array, images: Tensor): Promise<Record<string, number>> {
  const ours = tidy(() =>
    noGrad(() => {
      const { logits, aux } = model.forward(variable(images), { aux: true });
      const outputs: [string, Variable][] = [['logits', logits], ...aux.map((a, j): [string, Variable] => [`aux.${j}`, a])];
      return Object.fromEntries(outputs.map(([k, v]) => [k, { data: v.dataSync(), shape: v.shape }]));
    }),
  );
  const theirs = await runOnnx(bytes, { images });
  expect(Object.keys(theirs).sort()).toEqual(Object.keys(ours).sort());
  return Object.fromEntries(
    Object.entries(ours).map(([k, { data, shape }]) => {
      expect(theirs[k].dims).toEqual(shape);
      return [k, maxAbsDiff(data, theirs[k].data)];
    }),
  );
}

function keep(name: string, bytes: Uint8Array): void {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  written.push(path);
}

const TINY = ['naive', 'pup', 'mla'].flatMap((d) => [`setr-tiny-${d}`, `setr-tiny-${d}-mmseg`]);

describe.each(TINY)('%s', (name) => {
  it('fixed size, with the auxiliary heads: logits and every aux.j within 1e-4 in onnxruntime', async () => {
    const model = randomModel(preset(name));
    const bytes = exportSetrOnnx(model, { aux: true });
    keep(name, bytes);
    const images = randn([1, 3, ...model.config.imgSize]);
    const diffs = await differences(model, bytes, images);
    report[name] = diffs;
    expect(Object.keys(diffs)).toEqual(['logits', ...model.config.auxHeads.map((_, j) => `aux.${j}`)]);
    for (const [output, d] of Object.entries(diffs)) expect(d, output).toBeLessThan(1e-4);
    images.dispose();
    model.dispose();
  });

  it('dynamic: batch 2 at the training size and at another H×W, logits and aux within 1e-4', async () => {
    const model = randomModel(preset(name));
    const bytes = exportSetrOnnx(model, { aux: true, dynamic: true });
    keep(`${name}-dynamic`, bytes);
    const [h, w] = model.config.imgSize;
    const p = model.config.patchSize;
    for (const size of [
      [h, w],
      [h - 4 * p, w + 2 * p],
    ]) {
      const images = randn([2, 3, ...size]);
      const diffs = await differences(model, bytes, images);
      report[`${name} dynamic ${size.join('×')}`] = diffs;
      for (const [output, d] of Object.entries(diffs)) expect(d, output).toBeLessThan(1e-4);
      images.dispose();
    }
    model.dispose();
  });
});

it('a paper-size model (SETR-PUP on ViT-Base, 256-channel heads, patch 16) at 32×48: logits and aux within 1e-4', async () => {
  const model = randomModel(preset('setr-pup-vit-base-cityscapes-mmseg'));
  const bytes = exportSetrOnnx(model, { aux: true, size: [32, 48] });
  keep('setr-pup-vit-base', bytes);
  const images = randn([1, 3, 32, 48]);
  const diffs = await differences(model, bytes, images);
  report['setr-pup-vit-base-cityscapes-mmseg 32×48'] = diffs;
  for (const [output, d] of Object.entries(diffs)) expect(d, output).toBeLessThan(1e-4);
  images.dispose();
  model.dispose();
}, 120_000);

it('setr export --onnx --aux --dynamic exports the shipped SETR-Tiny-MLA; onnxruntime agrees with loading the checkpoint', async () => {
  const checkpoint = new URL('../../../models/setr-tiny-mla-camvid/model.safetensors', import.meta.url).pathname;
  const file = join(dir, 'shipped-mla.onnx');
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(['export', '--checkpoint', checkpoint, '--onnx', file, '--aux', '--dynamic'], {
    log: (m) => out.push(m),
    error: (m) => err.push(m),
  });
  expect(err).toEqual([]);
  expect(status).toBe(0);
  expect(out).toEqual([
    `wrote ${file}: images [batch, 3, height, width] (height and width multiples of 8) → logits, aux.0, aux.1, aux.2, aux.3 (ONNX opset 17)`,
  ]);
  written.push(file);
  const { model } = await loadTrainedModel(checkpoint);
  const images = randn([1, 3, 64, 96]);
  const diffs = await differences(model, readFileSync(file), images);
  report['setr export --onnx (shipped MLA) 64×96'] = diffs;
  for (const [output, d] of Object.entries(diffs)) expect(d, output).toBeLessThan(1e-4);
  images.dispose();
  model.dispose();
});

it('setr export refuses --onnx with --to, and --aux without --onnx', async () => {
  const errors: string[] = [];
  const io = { log: () => {}, error: (m: string) => errors.push(m) };
  expect(await runCli(['export', '--checkpoint', 'a.safetensors', '--onnx', 'x.onnx', '--to', 'mmseg'], io)).toBe(1);
  expect(await runCli(['export', '--checkpoint', 'a.safetensors', '--to', 'mmseg', '--out', 'x', '--aux'], io)).toBe(1);
  expect(errors).toEqual([
    'setr: export: --onnx writes one file; --to and --out are for mmseg',
    'setr: export: --aux and --dynamic go with --onnx FILE',
  ]);
});

afterAll(() => {
  console.log(`max |ours − onnxruntime| per output:\n${JSON.stringify(report, null, 1)}`);
  if (!hasOnnxChecker) console.warn('onnx.test.ts: skipping onnx.checker: /usr/bin/python3 has no onnx module (Debian: python3-onnx)');
});

describe.skipIf(!hasOnnxChecker)('onnx.checker (python3-onnx)', () => {
  it('accepts every exported file with full_check (shape inference included)', () => {
    expect(written.length).toBe(2 * TINY.length + 2);
    expect(checkOnnxFiles(written)).toEqual({});
  }, 120_000);
});
