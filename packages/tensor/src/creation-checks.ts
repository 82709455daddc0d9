/**
 * The checks every tensor creation passes before it allocates (see creation.ts for the rules): a
 * {@link Target} is a tensor about to be made, with its dtype, shape and backend checked and its size
 * known to fit; `convert` and `store` then fill and hand it to the backend.
 */
import type { Backend } from './backend.js';
import {
  allocate,
  bytesPer,
  checkDType,
  type DType,
  fitsInt32,
  showValue,
  storageDType,
  type TypedArray,
  typedArrayName,
} from './dtype.js';
import { findBackend, getBackend } from './engine.js';
import { formatBytes } from './format.js';
import { fmt, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

/** A tensor about to be made, checked: its shape, dtype and backend, and its element count. */
export interface Target {
  readonly op: string;
  readonly backend: Backend;
  readonly shape: number[];
  readonly dtype: DType;
  readonly size: number;
}

/**
 * The one check every creation passes before it allocates: a known dtype, a valid shape, a backend that
 * stores the dtype and can hold `size × bytesPer(dtype)` bytes.
 */
export function target(op: string, shape: unknown, dtype: unknown, backend: unknown): Target {
  const dt = checkDType(op, dtype);
  const b = resolveBackend(op, backend);
  const s = checkShapeArg(op, shape);
  if (!b.dtypes.includes(dt)) throw new Error(`${op}: backend ${b.name} does not support dtype ${dt} (it has ${b.dtypes.join(', ')})`);
  const size = sizeOf(s);
  const bytes = size * bytesPer(dt);
  if (bytes > b.maxBufferBytes) {
    // in exact bytes where rounding would print the two sizes alike
    let [need, max] = [formatBytes(bytes), formatBytes(b.maxBufferBytes)];
    if (need === max) [need, max] = [`${bytes} bytes`, `${b.maxBufferBytes} bytes`];
    throw new Error(`${op}: shape ${fmt(s)} of ${dt} needs ${need}, more than backend ${b.name} holds (${max})`);
  }
  return { op, backend: b, shape: s, dtype: dt, size };
}

/** A zero-filled host array for `t`; a failed JavaScript allocation (over the engine's own limits) is reported as the op's. */
export function allocateFor(t: Target): TypedArray {
  try {
    return allocate(t.dtype, t.size);
  } catch (e) {
    throw new Error(
      `${t.op}: cannot allocate ${formatBytes(t.size * bytesPer(t.dtype))} for shape ${fmt(t.shape)} of ${t.dtype} (${(e as Error).message})`,
    );
  }
}

/** The tensor of `t` holding `values` (of `t.dtype`'s storage and `t.size` elements); the backend copies them. */
export function store(t: Target, values: TypedArray): Tensor {
  return new Tensor(t.backend, t.backend.write(values, t.dtype), t.shape, t.dtype);
}

/** `source` copied into fresh storage of `t.dtype`; int32 refuses what it cannot hold (non-finite, out of range). */
export function convert(t: Target, source: ArrayLike<number>): TypedArray {
  const values = allocateFor(t);
  if (t.dtype === 'int32') {
    for (let i = 0; i < t.size; i++) {
      const v = source[i];
      if (!fitsInt32(v)) throw int32Error(t.op, v, `at index ${i}`);
      values[i] = v;
    }
  } else {
    for (let i = 0; i < t.size; i++) values[i] = source[i];
  }
  return values;
}

export function int32Error(op: string, v: number, where: string): Error {
  return new Error(
    `${op}: value ${v} ${where} does not fit int32 (finite values in [-2147483648, 2147483647]; fractions truncate toward zero); use float32 or float64`,
  );
}

export function resolveBackend(op: string, b: unknown): Backend {
  if (b === undefined) return getBackend();
  if (typeof b === 'string') {
    try {
      return findBackend(b);
    } catch (e) {
      throw new Error(`${op}: ${(e as Error).message.replace(/^findBackend: /, '')}`);
    }
  }
  if (typeof b !== 'object' || b === null || typeof (b as Backend).write !== 'function')
    throw new Error(`${op}: backend must be a backend or a backend's name, got ${showValue(b)}`);
  return b as Backend;
}

/** `shape` as a fresh array, checked: non-negative safe integers whose product is a safe integer. */
function checkShapeArg(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of non-negative integers, got ${showValue(shape)}`);
  const s: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const v: unknown = shape[d];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      const shown = `[${Array.from(shape, (x: unknown) => (typeof x === 'number' ? String(x) : showValue(x))).join(',')}]`;
      const why = Number.isInteger(v) && (v as number) > 0 ? 'more than the largest exact count 2^53 - 1' : 'not a non-negative integer';
      throw new Error(`${op}: invalid shape ${shown}: dim ${d} is ${showValue(v)}, ${why}`);
    }
    s.push(v + 0); // -0 → 0
  }
  const size = sizeOf(s);
  if (!Number.isSafeInteger(size))
    throw new Error(`${op}: shape ${fmt(s)} has ${size} elements, more than the largest exact count 2^53 - 1`);
  return s;
}

/** The options argument: an object (or undefined); a dtype string or null where options go is refused. */
export function readOptions(op: string, opts: unknown): { dtype?: unknown; backend?: unknown } {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new Error(`${op}: options must be an object such as { dtype: 'int32' }, got ${showValue(opts)}`);
  return opts;
}

/** A typed array as tensor data; without a dtype to convert to, only the three storage kinds. */
export function typedSource(op: string, data: unknown, dtypeGiven: boolean): ArrayLike<number> {
  const name = typedArrayName(data);
  if (!ArrayBuffer.isView(data) || name === 'DataView' || name.startsWith('Big'))
    throw new Error(`${op}: expected a Float32Array, Int32Array or Float64Array, got ${showValue(data)}`);
  if (!dtypeGiven && storageDType(data) === undefined)
    throw new Error(
      `${op}: a ${name} has no matching dtype (float32, int32, float64): give the dtype to convert it to, e.g. tensor(values, shape, 'float32')`,
    );
  return data as unknown as ArrayLike<number>;
}
