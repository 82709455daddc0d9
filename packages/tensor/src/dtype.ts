/**
 * Element types. A tensor is `float32` by default or `int32` (indices, labels, masks); the reference
 * backend also holds `float64`, which gradient checks use so that finite differences are exact enough.
 */
export type DType = 'float32' | 'int32' | 'float64';

/** The flat, row-major storage of one dtype. */
export type TypedArray = Float32Array | Int32Array | Float64Array;

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

/** Bytes per element, for memory accounting. */
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

/** The dtype a typed array stores. */
export function dtypeOf(values: TypedArray): DType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  return 'float64';
}
