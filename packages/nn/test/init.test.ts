/**
 * Initialisers: the distributions (bounds, moments), seeding, and PyTorch's default Linear/Conv2d
 * ranges. The numbers differ from PyTorch's generator by design, so these are statistical checks,
 * with tolerances of about 5 standard errors (so a correct sampler fails about once in 10⁶ runs).
 */
import { manualSeed, memory, type Tensor } from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d, Conv2d, init, Linear, Sequential, shapesOnly } from '../src/index.js';

function moments(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = Array.from(t.dataSync());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

/** Checks the sample mean and std of n draws against the law's, within 5 standard errors. */
function expectMoments(t: Tensor, mean: number, std: number): void {
  const m = moments(t);
  const n = t.size;
  expect(Math.abs(m.mean - mean)).toBeLessThan((5 * std) / Math.sqrt(n));
  // the std of a sample std is about std/√(2n) (exact for normals, close for uniforms)
  expect(Math.abs(m.std - std)).toBeLessThan((5 * std) / Math.sqrt(2 * n));
}

describe('initialisers', () => {
  it('gains and fans are PyTorch’s', () => {
    expect(init.calculateGain('relu')).toBe(Math.SQRT2);
    expect(init.calculateGain('tanh')).toBe(5 / 3);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / 1.0001), 15);
    expect(init.fans([64, 3, 7, 7])).toEqual({ fanIn: 147, fanOut: 3136 });
    expect(() => init.fans([5])).toThrow(/at least 2 dims/);
  });

  it('kaiming and xavier draw from the right laws', () => {
    manualSeed(1);
    const shape = [200, 100];
    const ku = init.kaimingUniform(shape, { nonlinearity: 'relu' });
    const bound = Math.sqrt(6 / 100);
    expect(moments(ku).max).toBeLessThanOrEqual(bound);
    expect(moments(ku).min).toBeGreaterThanOrEqual(-bound);
    expectMoments(ku, 0, bound / Math.sqrt(3));
    expectMoments(init.kaimingNormal(shape, { mode: 'fanOut' }), 0, Math.sqrt(2 / 200));
    expectMoments(init.xavierUniform(shape), 0, Math.sqrt(2 / 300));
    expectMoments(init.xavierNormal(shape, 2), 0, 2 * Math.sqrt(2 / 300));
  });

  it('truncNormal stays inside [a, b] and has the truncated law’s moments', () => {
    manualSeed(2);
    const t = init.truncNormal([20000], { mean: 0, std: 1, a: -1, b: 1 });
    const m = moments(t);
    expect(m.min).toBeGreaterThanOrEqual(-1);
    expect(m.max).toBeLessThanOrEqual(1);
    // N(0,1) truncated to [-1, 1]: variance 1 − 2φ(1)/(Φ(1) − Φ(−1)) = 0.29112
    expectMoments(t, 0, Math.sqrt(0.29112));
    // timm's ViT setting: std 0.02 with absolute cut-offs ±2 truncates nothing in practice
    expectMoments(init.truncNormal([20000], { std: 0.02 }), 0, 0.02);
    expect(() => init.truncNormal([3], { std: 1, a: 10, b: 11 })).toThrow(/holds only .* are a and b in absolute units/);
  });

  it('is repeatable under manualSeed', () => {
    manualSeed(7);
    const a = init.truncNormal([50], { std: 0.02 }).dataSync();
    const b = new Linear(4, 3).weight.data.dataSync();
    manualSeed(7);
    expect(init.truncNormal([50], { std: 0.02 }).dataSync()).toEqual(a);
    expect(new Linear(4, 3).weight.data.dataSync()).toEqual(b);
  });

  it('Linear and Conv2d default to U(−1/√fanIn, 1/√fanIn) for weight and bias, as PyTorch', () => {
    manualSeed(3);
    const lin = new Linear(400, 300);
    expectMoments(lin.weight.data, 0, 1 / Math.sqrt(400) / Math.sqrt(3));
    const b = moments(lin.bias?.data as Tensor);
    expect(Math.max(b.max, -b.min)).toBeLessThanOrEqual(1 / Math.sqrt(400));
    expect(b.max).toBeGreaterThan(0.5 / Math.sqrt(400));
    const conv = new Conv2d(16, 64, 3, { groups: 4 }); // fanIn = 16/4 · 9 = 36
    expectMoments(conv.weight.data, 0, 1 / 6 / Math.sqrt(3));
    const bias = moments(conv.bias?.data as Tensor);
    expect(Math.max(bias.max, -bias.min)).toBeLessThanOrEqual(1 / 6);
  });
});

describe('shapesOnly', () => {
  it('builds modules whose parameters have their shapes but one stored value each, and nests', () => {
    const before = memory().numBytes;
    const big = shapesOnly(() => new Sequential(new Conv2d(256, 256, 3), new BatchNorm2d(256), new Linear(4096, 4096)));
    expect(big.numParameters()).toBe(256 * 256 * 9 + 256 + 512 + 4096 * 4096 + 4096);
    expect(memory().numBytes - before).toBeLessThan(1000); // 16.8 M parameters in under 1 kB
    const conv = big.at(0) as Conv2d;
    expect(conv.weight.shape).toEqual([256, 256, 3, 3]);
    expect(conv.weight.data.strides).toEqual([0, 0, 0, 0]);
    expect(shapesOnly(() => shapesOnly(() => init.truncNormal([3, 2], { std: 0.02 })).strides)).toEqual([0, 0]);
    expect(init.truncNormal([3, 2], { std: 0.02 }).strides).toEqual([2, 1]); // outside, real draws again
    big.dispose();
  });
});
