/**
 * The PyTorch fixtures of scripts/gen_fixtures.py: configs as JSON, weights and tensors as
 * safetensors (float64), read onto the reference backend; and a comparison that names the worst element.
 */
import { readFileSync } from 'node:fs';
import { loadSafetensors } from '@setr-ts/nn';
import type { Tensor } from '@setr-ts/tensor';
import { expect } from 'vitest';
import { parseConfig, type SetrConfig } from '../../src/index.js';

export const fixturePath = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;

export const fixtureConfig = (name: string): SetrConfig => parseConfig(JSON.parse(readFileSync(fixturePath(name), 'utf8')), name);

export const fixtureTensors = (name: string): Promise<Record<string, Tensor>> =>
  loadSafetensors(fixturePath(name), { backend: 'reference' });

/** Every element within tol · (1 + |want|) of PyTorch's value, shapes equal. */
export async function expectClose(got: Tensor, want: Tensor, tol: number, what: string): Promise<void> {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  const g = await got.data();
  const w = want.dataSync();
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < w.length; i++) {
    const err = Math.abs(g[i] - w[i]) / (1 + Math.abs(w[i]));
    if (!(err <= worstErr)) {
      worst = i;
      worstErr = err;
    }
  }
  if (worstErr > tol)
    expect.fail(`${what}: element ${worst} is ${g[worst]}, PyTorch ${w[worst]} (relative error ${worstErr.toExponential(2)} > ${tol})`);
}

/** Disposes every tensor of a record. */
export function disposeAll(ts: Record<string, Tensor>): void {
  for (const t of Object.values(ts)) t.dispose();
}
