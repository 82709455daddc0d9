/** What the tensor package's profiler sees of autograd: backward kernels filed under 'backward' and the forward op they differentiate. */
import * as T from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import { gelu, matmul, parameter, sum } from '../src/index.js';

describe('profiling a backward pass', () => {
  it("files the gradient's kernels under the backward phase and the op whose gradient they compute", () => {
    const w = parameter(T.randn([3, 4]));
    const x = parameter(T.randn([2, 3]));
    const { profile } = T.profile(() => T.tidy(() => sum(gelu(matmul(x, w))).backward()));
    const backward = profile.calls.filter((c) => c.phase === 'backward');
    expect(backward.find((c) => c.kernel === 'binary:geluGrad')?.op).toBe('gelu');
    expect(backward.filter((c) => c.kernel === 'matmul').map((c) => c.op)).toEqual(['matmul', 'matmul']); // dX and dW
    expect(profile.calls.filter((c) => c.phase === 'forward').map((c) => c.kernel)).toEqual(
      expect.arrayContaining(['matmul', 'unary:gelu']),
    );
    for (const p of [w, x]) p.dispose();
  });
});
