/**
 * The backward pass. One reverse sweep over the graph in topological order: each variable's gradient
 * is complete once every op that used it has passed its share back, so we visit outputs before
 * inputs, call each node's backward function, and add (never overwrite) what it returns into its
 * inputs' gradients — a variable used twice receives two contributions. Leaves keep theirs in `.grad`.
 *
 * Both the sort and the sweep use explicit stacks, not recursion, so a chain of 100,000 ops runs in
 * constant JavaScript stack depth.
 */
import { add, cast, contiguous, onesLike, shapesEqual, share, type Tensor, withPhase } from '@setr-ts/tensor';
import type { Node } from './node.js';

import type { Variable } from './variable.js';

/** Options of `Variable.backward` (PyTorch `tensor.backward(retain_graph=…)`). */
export interface BackwardOptions {
  /** Keep the saved tensors so that backward can run through this graph again (default false). */
  retainGraph?: boolean;
}

/** Runs the backward pass from `root` with output gradient `grad` (ones when omitted and root has one element). */
export function backward(root: Variable, grad: Tensor | undefined, opts: BackwardOptions = {}): void {
  withPhase('backward', () => backwardPass(root, grad, opts)); // the profiler files these kernels under 'backward'
}

function backwardPass(root: Variable, grad: Tensor | undefined, opts: BackwardOptions): void {
  if (!root.requiresGrad) {
    throw new Error(
      `backward: this variable (shape [${root.shape.join(',')}]) does not require a gradient: none of the ops that made it had an input ` +
        'requiring one (use parameter() or variable(t, { requiresGrad: true })), or it was made inside noGrad',
    );
  }
  const order = topologicalOrder(root);
  const grads = new Map<Variable, Tensor>([[root, seedGradient(root, grad)]]);
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const v = order[i];
      const g = grads.get(v);
      if (!g) continue;
      grads.delete(v);
      if (v.gradFn === null || v.retainsGrad) accumulateGrad(v, g);
      if (v.gradFn) propagate(v.gradFn, g, grads);
      g.dispose();
    }
  } finally {
    for (const g of grads.values()) g.dispose();
    if (!opts.retainGraph) for (const v of order) v.gradFn?.release();
  }
}

/**
 * The variables reachable from `root` through gradient-requiring inputs, each after all of its
 * inputs (a depth-first post-order, with the recursion unrolled into `stack`).
 */
function topologicalOrder(root: Variable): Variable[] {
  const order: Variable[] = [];
  const visited = new Set<Variable>([root]);
  const stack: { v: Variable; next: number }[] = [{ v: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top.v.gradFn?.inputs ?? [];
    if (top.next < inputs.length) {
      const u = inputs[top.next++];
      if (u && !visited.has(u)) {
        visited.add(u);
        stack.push({ v: u, next: 0 });
      }
    } else {
      stack.pop();
      order.push(top.v);
    }
  }
  return order;
}

function seedGradient(root: Variable, grad: Tensor | undefined): Tensor {
  if (grad === undefined) {
    if (root.size !== 1) {
      throw new Error(
        `backward: a gradient can be created implicitly only for a one-element output, this one has shape [${root.shape.join(',')}]; pass backward(grad)`,
      );
    }
    return onesLike(root.data);
  }
  if (!shapesEqual(grad.shape, root.shape)) {
    throw new Error(`backward: grad of shape [${grad.shape.join(',')}] does not match the output's shape [${root.shape.join(',')}]`);
  }
  return grad.dtype === root.dtype ? share(grad) : cast(grad, root.dtype);
}

/** Adds `g` into `v.grad`, which is kept out of `tidy` scopes: it belongs to the variable. */
function accumulateGrad(v: Variable, g: Tensor): void {
  const next = v.grad ? add(v.grad, g) : contiguous(g);
  v.grad?.dispose();
  v.grad = next.keep();
}

/**
 * Calls the node's backward function and adds each returned gradient into its input's entry of
 * `grads`. Gradients take their input's dtype (a float32 operand of a float64 op gets float32).
 */
function propagate(node: Node, g: Tensor, grads: Map<Variable, Tensor>): void {
  const inputGrads = node.apply(g);
  const seen = new Set<Tensor>([g]);
  node.inputs.forEach((input, i) => {
    const returned = input ? inputGrads[i] : null;
    if (!input || !returned) return;
    if (!shapesEqual(returned.shape, input.shape)) {
      throw new Error(
        `backward: '${node.op}' returned a gradient of shape [${returned.shape.join(',')}] for its input ${i} of shape [${input.shape.join(',')}] (a bug in its backward)`,
      );
    }
    // each entry of `grads` is disposed on its own, so a tensor returned twice (or g itself) gets a view per entry
    let gi = seen.has(returned) ? share(returned) : returned;
    seen.add(returned);
    if (gi.dtype !== input.dtype) {
      const c = cast(gi, input.dtype);
      gi.dispose();
      gi = c;
    }
    const prev = grads.get(input);
    if (prev) {
      grads.set(input, add(prev, gi));
      prev.dispose();
      gi.dispose();
    } else {
      grads.set(input, gi);
    }
  });
  for (const t of inputGrads) if (t && !seen.has(t)) t.dispose(); // computed for an input that needs none
}
