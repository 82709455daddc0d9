/** Printing tensors the way PyTorch does (nested brackets, aligned, with the dtype when not float32), and sizes in bytes. */
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/** Large tensors print their first and last 3 entries per dimension, like PyTorch's summarised output. */
const EDGE = 3;
const SUMMARISE_ABOVE = 1000;

export function formatTensor(values: TypedArray, shape: Shape, dtype: DType): string {
  const summarise = values.length > SUMMARISE_ABOVE;
  const fmtNum = dtype === 'int32' ? String : floatFormatter(values);
  const strings = Array.from(values, fmtNum);
  const width = Math.max(1, ...strings.map((s) => s.length));
  const body = shape.length === 0 ? strings[0] : nest(strings, shape, 0, 0, width, summarise, 'tensor('.length);
  const suffix = dtype === 'float32' ? '' : `, dtype=${dtype}`;
  return `tensor(${body}${suffix})`;
}

/**
 * One notation for all elements, chosen as PyTorch chooses it: whole numbers print as `2.`; otherwise
 * four decimals (`0.0900`), unless the magnitudes need scientific notation (`1.2346e-05`).
 */
function floatFormatter(values: TypedArray): (v: number) => string {
  const finite = Array.from(values).filter(Number.isFinite);
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  if (finite.every((v) => Number.isInteger(v) && Math.abs(v) < 1e8)) return (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  const abs = finite.map(Math.abs).filter((a) => a > 0);
  const scientific = abs.length > 0 && (Math.max(...abs) >= 1e8 || Math.min(...abs) < 1e-4);
  // two exponent digits, as PyTorch prints them (1.0000e-06)
  const exponential = (v: number) => v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  return (v) => (!Number.isFinite(v) ? special(v) : scientific ? exponential(v) : v.toFixed(4));
}

function nest(s: string[], shape: Shape, dim: number, start: number, width: number, summarise: boolean, indent: number): string {
  const n = shape[dim];
  const stride = s.length === 0 ? 0 : shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const picks = summarise && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
  const parts = picks.map((i) => {
    if (i === -1) return '...';
    if (dim === shape.length - 1) return s[start + i].padStart(width);
    return nest(s, shape, dim + 1, start + i * stride, width, summarise, indent + 1);
  });
  if (dim === shape.length - 1) return `[${parts.join(', ')}]`;
  const sep = `,${'\n'.repeat(shape.length - dim - 1)}${' '.repeat(indent + 1)}`;
  return `[${parts.join(sep)}]`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

/**
 * A byte count as people read it, in binary units to one decimal.
 * @example formatBytes(1536) // '1.5 KiB'
 */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number(n.toFixed(1))} ${units[i]}`;
}
