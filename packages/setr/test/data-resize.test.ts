import { describe, expect, it } from 'vitest';
import { crop, flipHorizontal, hsvToRgb, Rng, raster, resize, resizeImage, resizeLabels, rgbToHsv } from '../src/data/index.js';

const row = (values: number[]) => raster(1, values.length, 1, Uint8Array.from(values));

describe('raster, crop, flip', () => {
  it('checks sizes', () => {
    expect(() => raster(2, 2, 3, new Uint8Array(11))).toThrow('raster: 11 bytes do not fill 2×2×3 (12 bytes)');
    expect(() => raster(0, 2, 1)).toThrow(/height must be a positive integer/);
  });

  it('crops a window (a copy) and refuses one that leaves the raster', () => {
    const r = raster(3, 3, 1, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const c = crop(r, 1, 1, 2, 2);
    expect([...c.data]).toEqual([5, 6, 8, 9]);
    c.data[0] = 0;
    expect(r.data[4]).toBe(5);
    expect(() => crop(r, 2, 0, 2, 1)).toThrow('crop: window 2×1 at (2, 0) leaves the 3×3 raster');
  });

  it('flips pixels (all channels together) left to right', () => {
    const r = raster(1, 2, 3, Uint8Array.from([1, 2, 3, 4, 5, 6]));
    expect([...flipHorizontal(r).data]).toEqual([4, 5, 6, 1, 2, 3]);
  });
});

describe('resize', () => {
  it('area: block means at integer factors, covered fractions otherwise', () => {
    expect([...resize(row([0, 10, 20, 31]), [1, 2], 'area').data]).toEqual([5, 26]); // 25.5 rounds half up
    // 3 → 2: each output covers 1.5 inputs: (0·1 + 30·½)/1.5 = 10, (30·½ + 60·1)/1.5 = 50
    expect([...resize(row([0, 30, 60]), [1, 2], 'area').data]).toEqual([10, 50]);
    const img = raster(2, 2, 1, Uint8Array.from([0, 100, 200, 60]));
    expect([...resize(img, [1, 1], 'area').data]).toEqual([90]);
  });

  it('area equals the brute-force block mean at integer factors', () => {
    const src = raster(
      12,
      16,
      3,
      Uint8Array.from({ length: 12 * 16 * 3 }, (_, i) => (i * 37) % 256),
    );
    const small = resize(src, [3, 4], 'area'); // 4×4 blocks
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 4; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) sum += src.data[((4 * y + dy) * 16 + 4 * x + dx) * 3 + c];
          expect(small.data[(y * 4 + x) * 3 + c]).toBe(Math.floor(sum / 16 + 0.5));
        }
      }
    }
  });

  it('bilinear: half-pixel centres, clamped at the edges', () => {
    expect([...resize(row([0, 100]), [1, 4], 'bilinear').data]).toEqual([0, 25, 75, 100]);
  });

  it('nearest: the pixel under each output centre, never a new value', () => {
    expect([...resize(row([1, 2, 3, 4]), [1, 2], 'nearest').data]).toEqual([2, 4]);
    expect([...resize(row([7, 9]), [1, 5], 'nearest').data]).toEqual([7, 7, 9, 9, 9]);
    const labels = raster(
      5,
      7,
      1,
      Uint8Array.from({ length: 35 }, (_, i) => [0, 3, 255][i % 3]),
    );
    for (const v of resize(labels, [11, 4], 'nearest').data) expect([0, 3, 255]).toContain(v);
  });

  it('is the identity at the same size, for every filter', () => {
    const src = raster(
      4,
      5,
      3,
      Uint8Array.from({ length: 60 }, (_, i) => (i * 53) % 256),
    );
    for (const f of ['area', 'bilinear', 'nearest'] as const) expect(resize(src, [4, 5], f).data).toEqual(src.data);
  });

  it('resizeImage shrinks with area and enlarges with bilinear; resizeLabels uses nearest', () => {
    const src = raster(2, 4, 1, Uint8Array.from([0, 10, 20, 31, 0, 10, 20, 31]));
    expect(resizeImage(src, [1, 2]).data).toEqual(resize(src, [1, 2], 'area').data);
    expect(resizeImage(src, [4, 8]).data).toEqual(resize(src, [4, 8], 'bilinear').data);
    expect(resizeLabels(src, [4, 8]).data).toEqual(resize(src, [4, 8], 'nearest').data);
    expect(resizeImage(src, [2, 4])).toBe(src);
  });

  it('computes a window of the result alone: the bytes of resizing whole and cropping', () => {
    const rng = new Rng(9);
    for (let trial = 0; trial < 30; trial++) {
      const [h, w, c] = [1 + rng.int(20), 1 + rng.int(20), [1, 3][rng.int(2)]];
      const src = raster(
        h,
        w,
        c,
        Uint8Array.from({ length: h * w * c }, () => rng.int(256)),
      );
      const size = [1 + rng.int(40), 1 + rng.int(40)] as const;
      const [wh, ww] = [1 + rng.int(size[0]), 1 + rng.int(size[1])];
      const window = { top: rng.int(size[0] - wh + 1), left: rng.int(size[1] - ww + 1), height: wh, width: ww };
      for (const f of ['area', 'bilinear', 'nearest'] as const)
        expect(resize(src, size, f, window).data).toEqual(crop(resize(src, size, f), window.top, window.left, wh, ww).data);
    }
    const src = raster(4, 4, 1);
    expect(resizeImage(src, [4, 4], { top: 0, left: 0, height: 4, width: 4 })).not.toBe(src); // a copy, for in-place distortion
    expect(() => resize(src, [8, 8], 'nearest', { top: 6, left: 0, height: 3, width: 2 })).toThrow(
      'resize: window 3×2 at (6, 0) leaves the 8×8 result',
    );
  });
});

describe('HSV (OpenCV 8-bit convention)', () => {
  it('converts primaries and greys', () => {
    const px = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128, 255, 0, 255]);
    rgbToHsv(px);
    expect([...px]).toEqual([0, 255, 255, 60, 255, 255, 120, 255, 255, 0, 0, 128, 150, 255, 255]);
    hsvToRgb(px);
    expect([...px]).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128, 255, 0, 255]);
  });

  it('round-trips every colour within a few levels', () => {
    const px = new Uint8Array(3 * 32 ** 3);
    let n = 0;
    for (let r = 0; r < 256; r += 8) for (let g = 0; g < 256; g += 8) for (let b = 0; b < 256; b += 8) px.set([r, g, b], 3 * n++);
    const original = px.slice();
    rgbToHsv(px);
    let maxHue = 0;
    for (let i = 0; i < px.length; i += 3) maxHue = Math.max(maxHue, px[i]);
    expect(maxHue).toBeLessThan(180);
    hsvToRgb(px);
    let worst = 0;
    for (let i = 0; i < px.length; i++) worst = Math.max(worst, Math.abs(px[i] - original[i]));
    expect(worst).toBeLessThanOrEqual(4);
  });
});
