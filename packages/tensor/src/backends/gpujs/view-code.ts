/**
 * Reading strided views inside a kernel. Each thread owns one output element, numbered `flat` in
 * row-major order; it unravels `flat` into coordinates over the output shape and turns them into a
 * buffer position for each input view: offset + Σ coord·stride (minitorch's index_to_position, with
 * stride 0 for broadcast dims).
 *
 * Shapes, strides and offsets are kernel arguments (in the `meta` array), never source text, so one
 * compiled kernel serves every shape of a given rank. To keep that rank — and so the per-element
 * arithmetic — small, `coalesce` first merges adjacent dims that every view steps through as one
 * (a contiguous tensor is rank 1 however many dims it has). When every view is the plain contiguous
 * buffer, kernels skip the arithmetic altogether (the `flat` variant).
 */
import type { Shape } from '../../shape.js';

/** A view's strides and offset (its buffer travels separately). */
export interface Layout {
  readonly strides: readonly number[];
  readonly offset: number;
}

export interface Coalesced {
  readonly shape: number[];
  /** Per view, strides over the merged shape. */
  readonly strides: number[][];
  readonly offsets: number[];
}

/**
 * The same elements, in the same row-major order, over as few dims as possible: size-1 dims are
 * dropped, and dim d joins the dim before it when, for every view, stepping the earlier dim once
 * equals stepping d through its whole extent.
 */
export function coalesce(shape: Shape, views: readonly Layout[]): Coalesced {
  const out: number[] = [];
  const strides: number[][] = views.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = out.length - 1;
    const merges = last >= 0 && views.every((v, j) => strides[j][last] === v.strides[d] * shape[d]);
    if (merges) out[last] *= shape[d];
    else out.push(shape[d]);
    for (const [j, v] of views.entries()) strides[j][out.length - 1] = v.strides[d];
  }
  return { shape: out, strides, offsets: views.map((v) => v.offset) };
}

/** True when every view reads its buffer from 0 in row-major order: kernels may use `x[flat]`. */
export function isFlat(c: Coalesced): boolean {
  return c.offsets.every((o) => o === 0) && c.strides.every((s) => s.length === 0 || (s.length === 1 && s[0] === 1));
}

/**
 * Meta values for a strided kernel of `c.shape.length` = r dims: the shape, then for each view its
 * offset and r strides. Kernel-specific scalars follow at index {@link metaEnd}.
 */
export function stridedMeta(c: Coalesced): number[] {
  return [...c.shape, ...c.offsets.flatMap((o, j) => [o, ...c.strides[j]])];
}

export function metaEnd(rank: number, views: number): number {
  return rank + views * (rank + 1);
}

/**
 * Lines that unravel `flat` into coordinates `c0..c{r-1}` over a shape whose dim d is the source
 * expression `dim(d)`. The last dim varies fastest; dim 0 takes what is left, needing no division.
 */
export function coordsCode(rank: number, dim: (d: number) => string, flat = 'flat'): string {
  if (rank === 0) return '';
  const lines = [`let rest = ${flat};`];
  for (let d = rank - 1; d >= 1; d--) {
    lines.push(`const q${d} = divFloor(rest, ${dim(d)});`, `const c${d} = rest - q${d} * ${dim(d)};`, `rest = q${d};`);
  }
  lines.push('const c0 = rest;');
  return lines.join('\n');
}

/** `const <name> = meta[base] + c0 * meta[base + 1] + ...`: a view's buffer position from the coordinates. */
export function positionCode(name: string, rank: number, base: number): string {
  const terms = [`meta[${base}]`];
  for (let d = 0; d < rank; d++) terms.push(`c${d} * meta[${base + 1 + d}]`);
  return `const ${name} = ${terms.join(' + ')};`;
}

/**
 * The preamble of a kernel over `views` strided views of rank r: `flat`, the coordinates, and the
 * positions `p0, p1, ...` (or, for the flat variant, positions equal to `flat`).
 */
export function viewsPreamble(rank: number | 'flat', views: number): string {
  const lines = ['const flat = this.thread.x;'];
  if (rank === 'flat') {
    for (let j = 0; j < views; j++) lines.push(`const p${j} = flat;`);
    return lines.join('\n');
  }
  lines.push(coordsCode(rank, (d) => `meta[${d}]`));
  for (let j = 0; j < views; j++) lines.push(positionCode(`p${j}`, rank, rank + j * (rank + 1)));
  return lines.filter(Boolean).join('\n');
}
