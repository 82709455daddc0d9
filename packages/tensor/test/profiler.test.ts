/** The kernel profiler: what it records for each kernel call, how it groups them, and that it leaves no trace when done. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as T from '../src/index.js';

describe('profile', () => {
  beforeAll(async () => {
    T.setLogger(() => {});
    await T.setBackend('reference');
  });
  afterAll(() => T.setBackend('reference'));

  it('records each kernel with its op, phase, shapes, bytes and FLOPs', () => {
    const a = T.randn([4, 8]);
    const b = T.randn([8, 3]);
    const { result, profile } = T.profile(() => T.tidy(() => T.withPhase('backward', () => a.matmul(b).relu().sum())));
    expect(result.shape).toEqual([]);
    const kernels = profile.calls.map((c) => c.kernel);
    expect(kernels).toEqual(expect.arrayContaining(['matmul', 'unary:relu', 'reduce:sum']));
    const mm = profile.calls.find((c) => c.kernel === 'matmul');
    expect(mm).toMatchObject({
      op: 'matmul',
      phase: 'backward',
      backend: 'reference',
      shapes: [
        [1, 4, 8],
        [1, 8, 3],
      ],
      flops: 2 * 4 * 8 * 3,
    });
    expect(mm?.bytes).toBe((4 * 8 + 8 * 3 + 4 * 3) * 4); // both operands read, the product written
    expect(profile.calls.find((c) => c.kernel === 'unary:relu')?.flops).toBeNull();
    // the sum's contiguous copy and its reduction both belong to the op that asked: sum runs as 'reduce'
    expect(profile.calls.filter((c) => c.kernel === 'reduce:sum').every((c) => c.op === 'reduce')).toBe(true);
    expect(profile.kernelMs).toBeLessThanOrEqual(profile.wallMs);
    for (const t of [a, b, result]) t.dispose();
  });

  it('groups calls by phase, op and kernel into a table with shares, rates and the time outside kernels', () => {
    const x = T.randn([16, 16]);
    const { result, profile } = T.profile(() => T.tidy(() => [0, 1, 2].map(() => x.matmul(x)).reduce((s, y) => s.add(y))));
    const rows = profile.rows();
    expect(rows.find((r) => r.kernel === 'matmul')).toMatchObject({ phase: 'forward', op: 'matmul', calls: 3, flops: 3 * 2 * 16 ** 3 });
    expect(rows.find((r) => r.kernel === 'binary:add')?.calls).toBe(2);
    const table = profile.table({ peaks: { gflops: 50, gbps: 20 } });
    expect(table.split('\n')[0]).toMatch(/^phase\s+op\s+kernel\s+calls\s+ms\s+share\s+GFLOP\/s \(of peak\)\s+GB\/s \(of peak\)$/);
    expect(table).toMatch(/matmul\s+matmul\s+3\s/);
    expect(table).toMatch(/outside kernels [\d.]+ ms/);
    expect(table).toMatch(/peaks 50\.0 GFLOP\/s, 20\.0 GB\/s/);
    x.dispose();
    result.dispose();
  });

  it('records kernels whose last argument is a view or null rather than params (layerNormBackward without a weight)', () => {
    const x = T.randn([4, 6]);
    const g = T.randn([4, 6]);
    const { y, mean, rstd } = T.layerNormWithStats(x, [6]);
    const { result, profile } = T.profile(() => T.layerNormBackward(x, g, mean, rstd, null));
    expect(profile.calls.map((c) => c.kernel)).toContain('layerNormBackward');
    expect(profile.calls.find((c) => c.kernel === 'layerNormBackward')?.flops).toBeNull();
    for (const t of [x, g, y, mean, rstd, result]) t.dispose();
  });

  it('stops recording when done, also when the function throws; profiles do not nest', () => {
    const x = T.randn([2, 3]);
    expect(() =>
      T.profile(() => {
        x.exp().dispose();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(() => T.profile(() => T.profile(() => 1))).toThrow(/profile: a profile is already running/);
    const { profile } = T.profile(() => 0);
    x.exp().dispose(); // after the profile: not recorded anywhere
    expect(profile.calls).toEqual([]);
    x.dispose();
  });

  it('measurePeaks gives positive compute and memory rates, measured once per backend', () => {
    const peaks = T.measurePeaks(T.findBackend('wasm'));
    expect(peaks.gflops).toBeGreaterThan(0);
    expect(peaks.gbps).toBeGreaterThan(0);
    expect(T.measurePeaks(T.findBackend('wasm'))).toBe(peaks);
  });
});
