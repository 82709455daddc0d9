/** Joining and splitting: `pad`, `cat`, `stack`, `split`, `chunk` (the last two are views). */
import { op } from '../engine.js';
import { fmt, normalizeDim, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, wrap } from './util.js';
import { narrow, unsqueeze } from './view.js';

/**
 * Constant padding, PyTorch's `F.pad` convention: `pads` lists (before, after) pairs starting from the
 * LAST dim, e.g. `[left, right, top, bottom]` for the W and H of an image.
 */
export const pad = op('pad', (x: Tensor, pads: readonly number[], value = 0): Tensor => {
  const b = backendOf('pad', x);
  if (pads.length % 2 !== 0 || pads.length / 2 > x.rank)
    throw new Error(`pad: ${pads.length} pad values do not fit a tensor of shape ${fmt(x.shape)}`);
  if (!pads.every((v) => Number.isInteger(v) && v >= 0)) throw new Error(`pad: pads must be non-negative integers, got ${fmt(pads)}`);
  const perDim: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < pads.length / 2; i++) perDim[x.rank - 1 - i] = [pads[2 * i], pads[2 * i + 1]];
  const shape = x.shape.map((d, i) => d + perDim[i][0] + perDim[i][1]);
  return wrap(b, b.pad(x, { pads: perDim, value }), shape, x.dtype);
});

/** Concatenates along `dim`; other dims must match. */
export const cat = op('cat', (xs: readonly Tensor[], dim = 0): Tensor => {
  if (xs.length === 0) throw new Error('cat: expected a non-empty list of tensors');
  const b = backendOf('cat', ...xs);
  const first = xs[0];
  const d = normalizeDim('cat', dim, first.rank);
  for (const t of xs) {
    const same = t.rank === first.rank && t.shape.every((n, i) => i === d || n === first.shape[i]);
    if (!same) throw new Error(`cat: shapes ${xs.map((x) => fmt(x.shape)).join(', ')} differ outside dim ${dim}`);
    if (t.dtype !== first.dtype) throw new Error(`cat: dtypes differ (${first.dtype} and ${t.dtype})`);
  }
  const shape = [...first.shape];
  shape[d] = xs.reduce((a, t) => a + t.shape[d], 0);
  return wrap(b, b.cat(xs, { dim: d }), shape, first.dtype);
});

/** Stacks equal-shaped tensors along a new dim. */
export const stack = op('stack', (xs: readonly Tensor[], dim = 0): Tensor => {
  if (xs.length === 0) throw new Error('stack: expected a non-empty list of tensors');
  for (const t of xs)
    if (!shapesEqual(t.shape, xs[0].shape)) throw new Error(`stack: shapes differ (${xs.map((x) => fmt(x.shape)).join(', ')})`);
  const d = normalizeDim('stack', dim, xs[0].rank + 1);
  return cat(
    xs.map((t) => unsqueeze(t, d)),
    d,
  );
});

/** Splits into pieces of `size` (the last may be smaller) or of the listed sizes; views, no copy. */
export const split = op('split', (x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] => {
  const d = normalizeDim('split', dim, x.rank);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections < 1)
      throw new Error(`split: size must be a positive integer, got ${sizeOrSections}`);
    sizes = n === 0 ? [0] : []; // an empty dim still splits into one (empty) piece, as in PyTorch
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
  } else {
    sizes = [...sizeOrSections];
    const total = sizes.reduce((a, s) => a + s, 0);
    if (total !== n) throw new Error(`split: sizes ${fmt(sizes)} sum to ${total}, but dim ${dim} has ${n} (shape ${fmt(x.shape)})`);
  }
  let start = 0;
  return sizes.map((s) => {
    const v = narrow(x, d, start, s);
    start += s;
    return v;
  });
});

/** Splits into `chunks` nearly equal pieces (PyTorch: each of size ceil(n / chunks)). */
export const chunk = op('chunk', (x: Tensor, chunks: number, dim = 0): Tensor[] => {
  if (!Number.isInteger(chunks) || chunks < 1) throw new Error(`chunk: chunks must be a positive integer, got ${chunks}`);
  const n = x.shape[normalizeDim('chunk', dim, x.rank)];
  if (n === 0) return split(x, new Array<number>(chunks).fill(0), dim); // PyTorch: `chunks` empty pieces
  return split(x, Math.ceil(n / chunks), dim);
});
