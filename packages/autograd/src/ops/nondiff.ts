/**
 * Ops without a gradient: their results are integers or piecewise constant, so the derivative is zero
 * wherever it exists. They take variables for convenience and return plain tensors, which cannot be
 * asked for a gradient (and `variable(t, { requiresGrad: true })` refuses int32 tensors).
 */
import type { Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import { dataOf, type VariableLike } from '../record.js';
import type { Variable } from '../variable.js';

/** Index of the largest value along `dim` (over all elements when omitted). */
export const argmax = (x: Variable, dim?: number, keepdim = false): Tensor => T.argmax(x.data, dim, keepdim);
/** Index of the smallest value along `dim`. */
export const argmin = (x: Variable, dim?: number, keepdim = false): Tensor => T.argmin(x.data, dim, keepdim);
/** Comparisons give int32 masks of 0 and 1 (use them with `where`). */
export const eq = (a: VariableLike, b: VariableLike): Tensor => T.eq(dataOf(a), dataOf(b));
/** Elementwise `!=` mask. */
export const ne = (a: VariableLike, b: VariableLike): Tensor => T.ne(dataOf(a), dataOf(b));
/** Elementwise `<` mask. */
export const lt = (a: VariableLike, b: VariableLike): Tensor => T.lt(dataOf(a), dataOf(b));
/** Elementwise `<=` mask. */
export const le = (a: VariableLike, b: VariableLike): Tensor => T.le(dataOf(a), dataOf(b));
/** Elementwise `>` mask. */
export const gt = (a: VariableLike, b: VariableLike): Tensor => T.gt(dataOf(a), dataOf(b));
/** Elementwise `>=` mask. */
export const ge = (a: VariableLike, b: VariableLike): Tensor => T.ge(dataOf(a), dataOf(b));
/** −1, 0 or 1 elementwise. */
export const sign = (x: Variable): Tensor => T.sign(x.data);
/** Largest integer ≤ x, elementwise. */
export const floor = (x: Variable): Tensor => T.floor(x.data);
/** `[..., numClasses]` int32 one-hot encoding of int32 labels. */
export const oneHot = (labels: Variable | Tensor, numClasses: number): Tensor => T.oneHot(dataOf(labels) as Tensor, numClasses);
