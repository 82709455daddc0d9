/**
 * Watching ops run: an observer sees every op call — its name, operands, non-tensor arguments and
 * result — as `record` makes the result. A tracer is such an observer: it runs a model once and writes
 * down the graph of calls (nn's ONNX export). Outside `observeOps` nothing is watched and an op costs
 * one null check more.
 *
 * A function built from several ops can present itself as one op with `asOneOp` (nn's batchNorm in
 * evaluation is `(x − mean)·rsqrt(var + eps)·weight + bias` on the inside and one `batchNorm` call to an
 * observer), so a tracer can map it to one node where the target format has one.
 */
import type { VariableLike } from './record.js';
import type { Variable } from './variable.js';

/** An op's arguments other than its operands (a conv's stride, a softmax's dim, where's mask), by name. */
export type OpAttrs = Readonly<Record<string, unknown>>;

/** One op call as an observer sees it. */
export interface OpCall {
  /** The op's name, as `record` and the profiler know it (`conv2d`, `layerNorm`, …). */
  readonly op: string;
  /** Its operands, in the op's order: variables, constant tensors, numbers. */
  readonly inputs: readonly VariableLike[];
  /** The variable the call returned. */
  readonly output: Variable;
  /** Its other arguments (see each op's `record` call for the names). */
  readonly attrs: OpAttrs;
}

/** What {@link observeOps} calls after each op. */
export type OpObserver = (call: OpCall) => void;

let current: OpObserver | null = null;

/**
 * Runs `fn` calling `observer` after every op it runs (the innermost `observeOps` wins). `fn` must be
 * synchronous.
 * @example
 * const ops: string[] = [];
 * observeOps((call) => ops.push(call.op), () => relu(x.mul(2)));   // ops: ['mul', 'relu']
 */
export function observeOps<T>(observer: OpObserver, fn: () => T): T {
  const outer = current;
  current = observer;
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/** Tells the observer, if any, about a call (`record` does this for every op). */
export function notifyObserver(op: string, inputs: readonly VariableLike[], output: Variable, attrs: OpAttrs): void {
  current?.({ op, inputs, output, attrs });
}

/**
 * Runs `fn`, a composition of ops, and shows it to an observer as the one call `op` on `inputs` (the
 * ops inside are not shown). Without an observer it is just `fn()`.
 * @example asOneOp('batchNorm', [x, weight, bias, runningMean, runningVar], { eps }, () => normalise(x))
 */
export function asOneOp(op: string, inputs: readonly VariableLike[], attrs: OpAttrs, fn: () => Variable): Variable {
  const observer = current;
  if (observer === null) return fn();
  current = null;
  let output: Variable;
  try {
    output = fn();
  } finally {
    current = observer;
  }
  observer({ op, inputs, output, attrs });
  return output;
}
