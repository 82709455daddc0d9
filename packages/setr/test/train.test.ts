/**
 * Training end to end on small synthetic data: a killed run resumed from its checkpoint takes the same
 * steps, bit for bit, as an uninterrupted one; a run leaves its files (best model, metrics, curves,
 * predictions); and a tiny SETR learns the shapes dataset well within a minute.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setBackend } from '@setr-ts/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeShapesDataset, preset, type SetrConfig, trainSetr } from '../src/index.js';
import { loadTrainedModel } from '../src/model-file.js';
import { shrink } from './support/configs.js';

const root = mkdtempSync(join(tmpdir(), 'setr-train-'));

/** A SETR small enough to train in seconds on 32×32 shapes (4 classes). */
function tinyShapesConfig(overrides: Partial<SetrConfig['train']> = {}): SetrConfig {
  const c = preset('setr-tiny-pup');
  return {
    ...shrink(c, { imgSize: [32, 32], patchSize: 4, embedDim: 64, depth: 4, numClasses: 4, channels: 32, auxTaps: [1, 2] }),
    train: { ...c.train, batchSize: 8, epochs: 2, warmupIters: 5, lr: 2e-3, crop: null, ...overrides },
  };
}

beforeAll(async () => {
  await setBackend('wasm');
});

describe('trainSetr', () => {
  const train = makeShapesDataset({ count: 32, size: [32, 32], seed: 0 });
  const val = makeShapesDataset({ count: 8, size: [32, 32], seed: 1 });

  it('a run killed after its first epoch and resumed repeats the uninterrupted run bit for bit', async () => {
    const config = tinyShapesConfig();
    const straight = await trainSetr({ config, train, val, out: join(root, 'straight'), seed: 5, report: false });
    expect(straight.losses).toHaveLength(8);

    const out = join(root, 'killed');
    const killed = trainSetr({
      config,
      train,
      val,
      out,
      seed: 5,
      report: false,
      onEpoch: (r) => {
        if (r.epoch === 1) throw new Error('killed');
      },
    });
    await expect(killed).rejects.toThrow('killed');
    const resumed = await trainSetr({ config, train, val, out, resume: true, report: false });
    expect(resumed.losses).toEqual(straight.losses.slice(4)); // exactly equal, not close
    expect(resumed.history.map((r) => r.valMeanIoU)).toEqual(straight.history.map((r) => r.valMeanIoU));
    const a = straight.model.stateDict();
    const b = resumed.model.stateDict();
    for (const k of Object.keys(a)) expect(Array.from(b[k].dataSync()), k).toEqual(Array.from(a[k].dataSync()));
    for (const t of [...Object.values(a), ...Object.values(b)]) t.dispose();
    straight.model.dispose();
    resumed.model.dispose();
  });

  it('refuses to resume a folder with another config, or one without a checkpoint', async () => {
    const other = { ...tinyShapesConfig(), depth: 3 };
    await expect(trainSetr({ config: other, train, val, out: join(root, 'killed'), resume: true })).rejects.toThrow(
      /holds a run of another config/,
    );
    await expect(trainSetr({ config: other, train, val, out: join(root, 'empty'), resume: true })).rejects.toThrow(
      /no checkpoint\.json here, nothing to resume/,
    );
  });

  it('leaves the best model (with its config), metrics.json, curves and a prediction grid', async () => {
    const out = join(root, 'files');
    const result = await trainSetr({ config: tinyShapesConfig({ epochs: 1 }), train, val, out, seed: 1 });
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.epochs).toHaveLength(1);
    expect(metrics.epochs[0].valIoU).toHaveLength(4);
    expect(metrics.best.epoch).toBe(1);
    expect(metrics.classNames).toEqual(['background', 'circle', 'rectangle', 'triangle']);
    for (const f of [result.report?.curvesPng, result.report?.predictions])
      expect(
        readFileSync(f as string)
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    expect(readFileSync(result.report?.curvesSvg as string, 'utf8')).toMatch(/^<svg/);
    const { model, classNames } = await loadTrainedModel(join(out, 'best.safetensors'));
    expect(classNames).toEqual(metrics.classNames);
    expect(model.config.embedDim).toBe(64);
    model.dispose();
    result.model.dispose();
  });

  it('a tiny SETR learns the shapes: validation mIoU above 0.8 after 6 epochs (about 15 seconds here)', async () => {
    const big = makeShapesDataset({ count: 256, size: [32, 32], seed: 2 });
    const check = makeShapesDataset({ count: 32, size: [32, 32], seed: 3 });
    const result = await trainSetr({
      config: tinyShapesConfig({ epochs: 6, lr: 1e-3, warmupIters: 20 }),
      train: big,
      val: check,
      out: join(root, 'shapes'),
      report: false,
    });
    const best = result.best?.valMeanIoU ?? 0;
    expect(best).toBeGreaterThan(0.8);
    result.model.dispose();
  }, 120_000);
});
