import { setTimeout as sleep } from 'node:timers/promises';
import { memory } from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import {
  type Batch,
  evalBatches,
  type LoaderState,
  loadCamVid,
  makeShapesDataset,
  normalizeImage,
  SegmentationDataset,
  TrainLoader,
  type TrainLoaderOptions,
} from '../src/data/index.js';
import { CAMVID_96 } from './support/data-fixtures.js';

const shapes = makeShapesDataset({ count: 10, size: [16, 20], seed: 2 });
const base: TrainLoaderOptions = { batchSize: 4, seed: 7, backend: 'reference', augment: { photometric: true } };

/** The batch's values on the host, its tensors disposed. */
function take(b: Batch) {
  const out = { images: b.images.dataSync() as Float32Array, labels: b.labels.dataSync() as Int32Array, indices: [...b.indices] };
  b.images.dispose();
  b.labels.dispose();
  return out;
}
const nextValues = async (loader: TrainLoader) => take(await loader.next());

describe('TrainLoader', () => {
  it('makes float32 [B, 3, H, W] photos and int32 [B, H, W] labels', async () => {
    const b = await new TrainLoader(shapes, base).next();
    expect([b.images.shape, b.images.dtype, b.labels.shape, b.labels.dtype]).toEqual([[4, 3, 16, 20], 'float32', [4, 16, 20], 'int32']);
    take(b);
  });

  it('gives the same batches for the same seed, others for another', async () => {
    const a = new TrainLoader(shapes, base);
    const b = new TrainLoader(shapes, base);
    const c = new TrainLoader(shapes, { ...base, seed: 8 });
    for (let i = 0; i < 3; i++) {
      const [x, y, z] = [await nextValues(a), await nextValues(b), await nextValues(c)];
      expect(y).toEqual(x);
      expect(z.images).not.toEqual(x.images);
    }
  });

  it('resumes from a saved state bit for bit, across epoch boundaries', async () => {
    const original = new TrainLoader(shapes, base);
    for (let i = 0; i < 3; i++) await nextValues(original); // 2 batches an epoch (dropLast): now in epoch 1
    const saved: LoaderState = JSON.parse(JSON.stringify(original.state()));
    expect(saved.epoch).toBe(1);
    const expected = [];
    for (let i = 0; i < 5; i++) expected.push(await nextValues(original));
    const resumed = new TrainLoader(shapes, base).loadState(saved);
    for (let i = 0; i < 5; i++) expect(await nextValues(resumed)).toEqual(expected[i]);
  });

  it('takes the state before the batch prepared ahead', async () => {
    const loader = new TrainLoader(shapes, base);
    const before = loader.state();
    await nextValues(loader); // batch 0 handed over, batch 1 being prepared
    const state = loader.state();
    expect(state.position).toBe(4);
    expect(state.rng).not.toEqual(before.rng);
    const fromState = new TrainLoader(shapes, base).loadState(state);
    expect(await nextValues(fromState)).toEqual(await nextValues(loader));
  });

  it('visits every sample once an epoch in a new order each epoch; dropLast drops the remainder', async () => {
    const loader = new TrainLoader(shapes, { ...base, batchSize: 3, dropLast: false });
    expect(loader.batchesPerEpoch).toBe(4);
    const epochs: number[][] = [];
    for (let e = 0; e < 2; e++) {
      const seen: number[] = [];
      for await (const b of loader.epochBatches()) seen.push(...take(b).indices);
      epochs.push(seen);
    }
    for (const seen of epochs) expect([...seen].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(epochs[0]).not.toEqual(epochs[1]);
    const dropping = new TrainLoader(shapes, { ...base, batchSize: 3 });
    const sizes: number[] = [];
    for await (const b of dropping.epochBatches()) sizes.push(take(b).indices.length);
    expect(sizes).toEqual([3, 3, 3]);
    expect(dropping.epoch).toBe(1);
  });

  it('without shuffle or augmentation yields the dataset as it is', async () => {
    const loader = new TrainLoader(shapes, { ...base, shuffle: false, augment: false });
    const b = await nextValues(loader);
    expect(b.indices).toEqual([0, 1, 2, 3]);
    expect(b.images.subarray(0, 3 * 16 * 20)).toEqual(normalizeImage(shapes.get(0).image));
    expect([...b.labels.subarray(0, 16 * 20)]).toEqual([...shapes.get(0).label.data]);
  });

  it('pads a crop larger than the pictures: labels 255, photo 0', async () => {
    const loader = new TrainLoader(shapes, { ...base, augment: { cropSize: [40, 40], scaleRange: [1, 1] } });
    const { images, labels } = await nextValues(loader);
    expect(labels[0 * 40 + 39]).toBe(255); // row 0, column 39: right of the 20-wide picture
    expect(labels[39 * 40]).toBe(255); // below it
    expect(images[39 * 40]).toBe(0);
  });

  it('prepares the next batch while the caller awaits something else', async () => {
    const fetched: number[] = [];
    class Watched extends SegmentationDataset {
      override get(i: number) {
        fetched.push(i);
        return super.get(i);
      }
    }
    const watched = new Watched(shapes);
    const loader = new TrainLoader(watched, { ...base, shuffle: false });
    await nextValues(loader);
    expect(fetched.slice(0, 4)).toEqual([0, 1, 2, 3]);
    // while the caller awaits something else (a GPU read-back, say) the next batch is read without
    // another call; on a busy machine that takes a while, so wait for it rather than a fixed time
    for (let waited = 0; fetched.length < 8 && waited < 5000; waited += 10) await sleep(10);
    expect(fetched).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('leaves no tensor behind: a batch prepared ahead is still on the host', async () => {
    const before = memory().numTensors;
    const loader = new TrainLoader(shapes, base);
    await nextValues(loader);
    await sleep(10);
    expect(memory().numTensors).toBe(before);
  });

  it('refuses bad options, a bad state and overlapping calls', async () => {
    expect(() => new TrainLoader(shapes, { batchSize: 11 })).toThrow(
      "batchSize 11 exceeds the dataset's 10 samples, so dropLast leaves no batch",
    );
    expect(() => new TrainLoader(shapes, { batchSize: 0 })).toThrow('TrainLoader: batchSize must be a positive integer, got 0');
    const loader = new TrainLoader(shapes, base);
    const good = loader.state();
    expect(() => loader.loadState({ ...good, order: [0, 1, 2] })).toThrow('order must be a permutation of 0..9');
    expect(() => loader.loadState({ ...good, position: 10 })).toThrow('position must be an integer in [0, 10), got 10');
    expect(() => loader.loadState({ ...good, rng: { state: 'zz', inc: '1' } })).toThrow(/field state must be 16 hex digits/);
    const first = loader.next();
    await expect(loader.next()).rejects.toThrow('TrainLoader.next: the previous call has not finished');
    take(await first);
  });
});

describe('evalBatches', () => {
  it('yields the dataset in order without augmentation, the last batch smaller', async () => {
    const seen: number[][] = [];
    for await (const b of evalBatches(shapes, { batchSize: 4, backend: 'reference' })) {
      const { images, labels, indices } = take(b);
      seen.push(indices);
      expect(images.subarray(0, 3 * 320)).toEqual(normalizeImage(shapes.get(indices[0]).image));
      expect([...labels.subarray(0, 320)]).toEqual([...shapes.get(indices[0]).label.data]);
    }
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });
});

describe('on CamVid', () => {
  it('makes augmented batches of 8 at 96×128', async () => {
    const train = await loadCamVid(CAMVID_96, 'train');
    const loader = new TrainLoader(train, { batchSize: 8, seed: 0, backend: 'reference', augment: { photometric: true } });
    expect(loader.batchesPerEpoch).toBe(45);
    const { images, labels } = await nextValues(loader);
    expect(images.length).toBe(8 * 3 * 96 * 128);
    for (const v of new Set(labels)) expect(v === 255 || (v >= 0 && v < 11)).toBe(true);
  });
});
