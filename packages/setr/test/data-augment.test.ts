import { describe, expect, it } from 'vitest';
import {
  augmentSample,
  crop,
  flipHorizontal,
  IMAGENET_MEAN,
  IMAGENET_STD,
  imagesToTensor,
  labelsInto,
  makeShapesDataset,
  normalizeImage,
  normalizeInto,
  photometricDistortion,
  type Raster,
  Rng,
  raster,
  resizeImage,
  resizeLabels,
} from '../src/data/index.js';

const shapes = makeShapesDataset({ count: 4, size: [24, 32], seed: 5 });
const sample = shapes.get(1);
const same = (a: Raster, b: Raster) => a.height === b.height && a.width === b.width && a.data.every((v, i) => v === b.data[i]);

/** A stand-in generator that returns scripted draws, to check the order and use of each one. */
function scripted(draws: number[]): Rng {
  const next = () => {
    if (draws.length === 0) throw new Error('scripted rng: out of draws');
    return draws.shift()!;
  };
  return { int: next, uniform: next, float: next, bernoulli: (p: number) => next() < p } as unknown as Rng;
}

describe('augmentSample', () => {
  it('is determined by the generator state', () => {
    const opts = { cropSize: [24, 32] as const, photometric: true };
    const a = augmentSample(sample, new Rng(1), opts);
    const b = augmentSample(sample, new Rng(1), opts);
    const c = augmentSample(sample, new Rng(2), opts);
    expect(same(a.image, b.image) && same(a.label, b.label)).toBe(true);
    expect(same(a.image, c.image)).toBe(false);
  });

  it('with scale 1, no flip and no distortion returns the picture unchanged', () => {
    const out = augmentSample(sample, new Rng(0), { cropSize: [24, 32], scaleRange: [1, 1], flipProb: 0 });
    expect(same(out.image, sample.image) && same(out.label, sample.label)).toBe(true);
    expect(out.image.data).not.toBe(sample.image.data); // a copy: the dataset is never written
  });

  it('crops a window of the scaled picture, at offsets drawn after the scale', () => {
    const rng = new Rng(11);
    const replay = Rng.fromState(rng.state());
    const out = augmentSample(sample, rng, { cropSize: [16, 20], scaleRange: [1.5, 2], flipProb: 0 });
    const r = replay.uniform(1.5, 2);
    const size = [Math.round(24 * r), Math.round(32 * r)] as const;
    const top = replay.int(size[0] - 16 + 1);
    const left = replay.int(size[1] - 20 + 1);
    expect(same(out.image, crop(resizeImage(sample.image, size), top, left, 16, 20))).toBe(true);
    expect(same(out.label, crop(resizeLabels(sample.label, size), top, left, 16, 20))).toBe(true);
  });

  it('with a scale (mmseg img_scale), resizes keeping the ratio to fit r times it, long side to long side', () => {
    // 24×32 into (64, 32)·r: r = 1 → min(64/32, 32/24) = 4/3 → 32×43; r = 0.5 → min(32/32, 16/24) = 2/3 → 16×21
    for (const [r, size] of [
      [1, [32, 43]],
      [0.5, [16, 21]],
    ] as const) {
      const out = augmentSample(sample, new Rng(0), { cropSize: [100, 100], scaleRange: [r, r], scale: [32, 64], flipProb: 0 });
      expect([out.image.height, out.image.width]).toEqual(size);
      expect(same(out.label, resizeLabels(sample.label, size))).toBe(true);
    }
  });

  it('keeps a scaled picture smaller than the crop whole; the batch pads photo with 0 and labels with 255', () => {
    const out = augmentSample(sample, new Rng(3), { cropSize: [24, 32], scaleRange: [0.5, 0.5], flipProb: 0 });
    expect([out.image.height, out.image.width, out.label.height, out.label.width]).toEqual([12, 16, 12, 16]);
    const images = new Float32Array(3 * 24 * 32).fill(Number.NaN);
    const labels = new Int32Array(24 * 32).fill(-1);
    normalizeInto(out.image, images, 0, [24, 32]);
    labelsInto(out.label, labels, 0, [24, 32]);
    for (let y = 0; y < 24; y++) {
      for (let x = 0; x < 32; x++) {
        const inside = y < 12 && x < 16;
        expect(labels[y * 32 + x]).toBe(inside ? out.label.data[y * 16 + x] : 255);
        if (!inside) for (let c = 0; c < 3; c++) expect(images[c * 24 * 32 + y * 32 + x]).toBe(0);
      }
    }
  });

  it('flips photo and labels together', () => {
    const out = augmentSample(sample, new Rng(0), { cropSize: [24, 32], scaleRange: [1, 1], flipProb: 1 });
    expect(same(out.image, flipHorizontal(sample.image))).toBe(true);
    expect(same(out.label, flipHorizontal(sample.label))).toBe(true);
    const isShape = (l: Raster, y: number, x: number) => l.data[y * l.width + x] !== 0;
    // every shape pixel moved to its mirror position
    for (let y = 0; y < 24; y++) for (let x = 0; x < 32; x++) expect(isShape(out.label, y, 31 - x)).toBe(isShape(sample.label, y, x));
  });

  it('with catMaxRatio redraws crops dominated by one class (up to 10 tries, as mmseg)', () => {
    // left 40 columns class 0, right 24 class 1: a 16-wide crop is mixed (< 75% one class) only near the border
    const label = raster(
      16,
      64,
      1,
      Uint8Array.from({ length: 16 * 64 }, (_, i) => (i % 64 < 40 ? 0 : 1)),
    );
    const pic = { image: raster(16, 64, 3), label };
    const mixed = (ratio: number) => {
      let n = 0;
      for (let seed = 0; seed < 50; seed++) {
        const out = augmentSample(pic, new Rng(seed), { cropSize: [16, 16], scaleRange: [1, 1], flipProb: 0, catMaxRatio: ratio });
        const ones = out.label.data.reduce((s, v) => s + v, 0) / out.label.data.length;
        if (ones > 0.25 && ones < 0.75) n++;
      }
      return n;
    };
    expect(mixed(1)).toBeLessThan(15); // 7 of the 49 offsets are mixed
    expect(mixed(0.75)).toBeGreaterThan(30); // ≈ 1 − (42/49)^10 ≈ 79% of seeds
  });
});

describe('photometricDistortion', () => {
  it('applies mmseg steps in mmseg draw order: brightness, contrast position, saturation, hue, contrast', () => {
    const img = raster(1, 2, 3, Uint8Array.from([10, 100, 250, 0, 0, 0]));
    // brightness on (β = 10.7), contrast last, no saturation, no hue, contrast on (α = 2)
    photometricDistortion(img, scripted([1, 10.7, 0, 0, 0, 1, 2]));
    // trunc(clip(x + 10.7)) then trunc(clip(2x))
    expect([...img.data]).toEqual([40, 220, 255, 20, 20, 20]);
  });

  it('shifts hue in HSV and scales saturation', () => {
    const red = raster(1, 1, 3, Uint8Array.from([200, 0, 0]));
    // no brightness, contrast first but off, no saturation, hue on with δ drawn as int(36) = 78 → +60 (red → green)
    photometricDistortion(red, scripted([0, 1, 0, 0, 1, 78]));
    expect([...red.data]).toEqual([0, 200, 0]);
    const pink = raster(1, 1, 3, Uint8Array.from([200, 100, 100]));
    photometricDistortion(pink, scripted([0, 0, 1, 0, 0, 0])); // saturation × 0 → grey
    expect([...pink.data]).toEqual([200, 200, 200]);
  });

  it('is seeded and keeps values in range', () => {
    const a = raster(24, 32, 3, sample.image.data.slice());
    const b = raster(24, 32, 3, sample.image.data.slice());
    photometricDistortion(a, new Rng(4));
    photometricDistortion(b, new Rng(4));
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(sample.image.data);
  });
});

describe('normalisation', () => {
  it('uses the ImageNet mean and std on 0–255 pixels, channel-major', () => {
    expect(IMAGENET_MEAN).toEqual([123.675, 116.28, 103.53]);
    expect(IMAGENET_STD).toEqual([58.395, 57.12, 57.375]);
    const img = raster(1, 2, 3, Uint8Array.from([0, 0, 0, 255, 255, 255]));
    const out = normalizeImage(img);
    const expected = [0, 1, 2].flatMap((c) => [(0 - IMAGENET_MEAN[c]) / IMAGENET_STD[c], (255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c]]);
    expected.forEach((v, i) => {
      expect(out[i]).toBeCloseTo(v, 5);
    });
  });

  it('makes a [B, 3, H, W] tensor of photos, and refuses mixed sizes', () => {
    const x = imagesToTensor([sample.image, shapes.get(2).image], 'reference');
    expect(x.shape).toEqual([2, 3, 24, 32]);
    expect(x.dtype).toBe('float32');
    expect(x.dataSync().slice(0, 10)).toEqual(normalizeImage(sample.image).slice(0, 10));
    x.dispose();
    expect(() => imagesToTensor([sample.image, raster(2, 2, 3)])).toThrow('imagesToTensor: image 1 is 2×2, image 0 is 24×32');
    expect(() => normalizeInto(sample.image, new Float32Array(3 * 100), 0, [10, 10])).toThrow(
      'normalizeImage: a 24×32 image does not fit a 10×10 canvas',
    );
  });
});
