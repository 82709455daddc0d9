/** Checking that a bad call fails clearly, on synchronous and asynchronous backends alike. */
import { expect } from 'vitest';
import type { Tensor } from '../../src/index.js';

/**
 * `call` must fail with `message`: when it runs (argument checks, synchronous kernels) or, on a
 * backend that computes asynchronously, at the latest when its result is read — never a silent
 * wrong answer. Whatever the call returned is disposed.
 */
export async function expectOpError(call: () => Tensor, message: RegExp): Promise<void> {
  let out: Tensor;
  try {
    out = call();
  } catch (e) {
    expect(String(e)).toMatch(message);
    return;
  }
  try {
    await expect(out.data()).rejects.toThrow(message);
  } finally {
    out.dispose();
  }
}
