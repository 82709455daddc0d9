import { describe, expect, it } from 'vitest';
import { makeShapesDataset, SegmentationDataset, SHAPES_CLASSES, SHAPES_PALETTE } from '../src/data/index.js';

/** Byte-for-byte equality (vitest's deep equality is slow on arrays of 10⁵ elements). */
const same = (a: Uint8Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

describe('the shapes dataset', () => {
  const ds = makeShapesDataset({ count: 40, size: [32, 48], seed: 3 });

  it('is determined by the seed, and picture i does not depend on the count', () => {
    const again = makeShapesDataset({ count: 40, size: [32, 48], seed: 3 });
    expect(same(again.images, ds.images) && same(again.labels, ds.labels)).toBe(true);
    expect(same(makeShapesDataset({ count: 40, size: [32, 48], seed: 4 }).images, ds.images)).toBe(false);
    const fewer = makeShapesDataset({ count: 5, size: [32, 48], seed: 3 });
    expect(same(fewer.images, ds.images.subarray(0, 5 * 32 * 48 * 3))).toBe(true);
  });

  it('has 4 classes, every picture background and at least one shape', () => {
    expect(ds.classNames).toEqual(SHAPES_CLASSES);
    expect(ds.palette).toEqual(SHAPES_PALETTE);
    expect([ds.length, ds.height, ds.width, ds.numClasses]).toEqual([40, 32, 48, 4]);
    const perClass = [0, 0, 0, 0];
    for (let i = 0; i < ds.length; i++) {
      const present = new Set(ds.get(i).label.data);
      expect(present.has(0)).toBe(true);
      expect(present.size).toBeGreaterThan(1);
      for (const v of present) perClass[v]++;
    }
    for (const n of perClass) expect(n).toBeGreaterThan(5); // every class shows up in many pictures
  });

  it('colours each class in its own family: red circles, green rectangles, blue triangles, greyish ground', () => {
    const dominant = [-1, 0, 1, 2]; // channel that leads, per class
    for (let i = 0; i < ds.labels.length; i++) {
      const [r, g, b] = ds.images.subarray(3 * i, 3 * i + 3);
      const label = ds.labels[i];
      const channels = [r, g, b];
      if (label === 0) {
        if (Math.max(r, g, b) - Math.min(r, g, b) >= 60) throw new Error(`background pixel ${i} is saturated: ${channels}`);
      } else {
        const lead = channels[dominant[label]];
        if (!channels.every((v, c) => c === dominant[label] || lead - v > 60))
          throw new Error(`pixel ${i} of class ${label} is ${channels}`);
      }
    }
  });

  it('comes in any size and checks its options', () => {
    const odd = makeShapesDataset({ count: 2, size: [7, 13], maxShapes: 1 });
    expect(odd.images.length).toBe(2 * 7 * 13 * 3);
    expect(() => makeShapesDataset({ count: 0 })).toThrow('makeShapesDataset: count must be a positive integer, got 0');
  });
});

describe('SegmentationDataset', () => {
  const parts = { names: ['a'], height: 1, width: 2, classNames: ['x', 'y'], palette: [[0, 0, 0] as const, [1, 1, 1] as const] };

  it('checks sizes and label values, naming the sample', () => {
    expect(() => new SegmentationDataset({ ...parts, images: new Uint8Array(5), labels: new Uint8Array(2) })).toThrow(
      'SegmentationDataset: images hold 5 bytes, expected 1×1×2×3 = 6',
    );
    expect(() => new SegmentationDataset({ ...parts, images: new Uint8Array(6), labels: Uint8Array.from([1, 2]) })).toThrow(
      'SegmentationDataset: sample 0 (a) has label 2, outside [0, 2) and not 255',
    );
    const ds = new SegmentationDataset({ ...parts, images: new Uint8Array(6), labels: Uint8Array.from([1, 255]) });
    expect(() => ds.get(1)).toThrow('SegmentationDataset.get: index 1 is outside [0, 1)');
  });
});
