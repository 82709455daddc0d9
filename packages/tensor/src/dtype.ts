/**
 * Element types. A tensor is `float32` by default or `int32` (indices, labels, masks); the reference
 * backend also holds `float64`, which gradient checks use so that finite differences are exact enough.
 */
export type DType = 'float32' | 'int32' | 'float64';

/** The flat, row-major storage of one dtype. */
export type TypedArray = Float32Array | Int32Array | Float64Array;

/** Every dtype, in the order error messages list them. */
export const DTYPES: readonly DType[] = ['float32', 'int32', 'float64'];

/** The dtype to use instead of a PyTorch dtype we lack, for the hint in {@link checkDType}'s error. */
const NEAREST: Readonly<Record<string, DType>> = {
  float16: 'float32',
  half: 'float32',
  bfloat16: 'float32',
  float: 'float32',
  double: 'float64',
  int64: 'int32',
  long: 'int32',
  int: 'int32',
  int16: 'int32',
  int8: 'int32',
  uint8: 'int32',
  bool: 'int32',
};

/**
 * `value` as a dtype, or an error naming `op` and the bad value: the guard for every dtype a user
 * passes in (creation options, `tensor(…, dtype)`, `Tensor.to`).
 * @example checkDType('cast', 'float16')   // Error: cast: unknown dtype 'float16' (supported: float32, int32, float64; use float32)
 */
export function checkDType(op: string, value: unknown): DType {
  if (typeof value === 'string' && (DTYPES as readonly string[]).includes(value)) return value as DType;
  const hint = typeof value === 'string' && Object.hasOwn(NEAREST, value) ? `; use ${NEAREST[value]}` : '';
  throw new Error(`${op}: unknown dtype ${showValue(value)} (supported: ${DTYPES.join(', ')}${hint})`);
}

/**
 * A bad argument as error messages show it: numbers and strings as written (strings quoted and cut
 * short), anything else by its kind (`a Uint8Array`, `an object`), never by a `toString` that could
 * throw or print a whole function.
 */
export function showValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return value.length > 40 ? `'${value.slice(0, 40)}…'` : `'${value}'`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${typedArrayName(value)}`;
  return 'an object';
}

/** A fresh zero-filled array of `n` elements for `dtype`. */
export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'float64':
      return new Float64Array(n);
  }
}

/** Bytes per element: what tensor creation multiplies by to check a size against the backend's limit. */
export function bytesPer(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

/**
 * The dtype of a result of two operands, as PyTorch promotes: any float wins over int32, and
 * float64 wins over float32.
 */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

/**
 * Whether int32 can hold `v`: finite and, truncated toward zero (as PyTorch converts 1.5 to 1), within
 * [−2³¹, 2³¹ − 1]. NaN, ±Infinity and 3e9 are refused where PyTorch says "value cannot be converted to
 * type int32_t without overflow".
 */
export function fitsInt32(v: number): boolean {
  return v > -2147483649 && v < 2147483648;
}

/** The dtype whose storage `values` is (by the array's kind, so arrays from another realm count), or undefined. */
export function storageDType(values: unknown): DType | undefined {
  switch (typedArrayName(values)) {
    case 'Float32Array':
      return 'float32';
    case 'Int32Array':
      return 'int32';
    case 'Float64Array':
      return 'float64';
    default:
      return undefined;
  }
}

/** `Uint8Array`, `DataView`, …: the kind of an ArrayBuffer view, for error messages and {@link storageDType}. */
export function typedArrayName(values: unknown): string {
  return Object.prototype.toString.call(values).slice(8, -1);
}
