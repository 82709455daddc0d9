/**
 * A node of the graph: what an op leaves on the variable it produced. It names the op, points at the
 * op's inputs, and holds the op's backward function with the tensors that function needs ("saved
 * tensors"). After a backward pass the saved tensors are released (unless `retainGraph`), and a
 * second pass through the node fails with an error saying so.
 */
import { op, type Tensor } from '@setr-ts/tensor';
import type { Variable } from './variable.js';

/**
 * Maps the gradient `g` of an op's output (same shape) to the gradients of its inputs, in input
 * order; `needs[i]` says whether input i wants one (return null where it does not). Temporaries are
 * disposed for you (the function runs inside `tidy`). Return new tensors or `g` itself — never a
 * saved tensor, which the node disposes when released.
 */
export type BackwardFn = (g: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];

/** The record an op leaves on its output (`Variable.gradFn`): op name, inputs, backward function, saved tensors. */
export class Node {
  private fn: BackwardFn | null;

  constructor(
    /** The op's name, e.g. `matmul` (shown by `toString` and in errors). */
    readonly op: string,
    /** The op's inputs that require a gradient; null for constants and inputs that need none. */
    readonly inputs: readonly (Variable | null)[],
    fn: BackwardFn,
    private saved: Tensor[],
  ) {
    this.fn = fn;
  }

  /** True once a backward pass without `retainGraph` went through this node. */
  get released(): boolean {
    return this.fn === null;
  }

  /** The tensors kept for the backward pass (empty once released). */
  get savedTensors(): readonly Tensor[] {
    return this.saved;
  }

  /** The inputs' gradients for the output gradient `g` (see {@link BackwardFn}). */
  apply(g: Tensor): readonly (Tensor | null)[] {
    const fn = this.fn;
    if (fn === null) {
      throw new Error(
        `backward: the graph through '${this.op}' was already released by an earlier backward(); ` +
          'call the first backward with { retainGraph: true } to run backward through it again',
      );
    }
    const gone = this.saved.find((t) => t.isDisposed);
    if (gone) {
      throw new Error(
        `backward: a tensor of shape [${gone.shape.join(',')}] that '${this.op}' saved for the backward pass was disposed ` +
          "(by the tensor package's tidy?); return results from autograd's tidy, which keeps their graph, or call backward inside the tidy",
      );
    }
    const needs = this.inputs.map((v) => v !== null);
    return op(this.op, fn)(g, needs); // one scope for the temporaries; the profiler files its kernels under this op
  }

  /** Frees the saved tensors and the backward function. */
  release(): void {
    for (const t of this.saved) t.dispose();
    this.saved = [];
    this.fn = null;
  }
}
