/**
 * `tidy` that understands variables. The tensor package's `tidy` disposes every tensor made inside
 * it except those returned; it cannot see into a Variable. This one treats a returned variable as
 * everything it needs later: its value, its gradient, and the tensors its graph saved for backward.
 * So `const loss = tidy(() => model(x))` keeps exactly what `loss.backward()` will read.
 */
import { Tensor, tidy as tensorTidy } from '@setr-ts/tensor';
import { Variable } from './variable.js';

/**
 * Runs `fn`, then disposes every tensor made inside it that its result does not reach (through
 * tensors, variables and their graphs, arrays and plain objects). Scopes nest.
 * @example
 * const loss = tidy(() => crossEntropy(model(x), labels));   // intermediates freed, graph kept
 * loss.backward();
 */
export function tidy<T>(fn: () => T): T {
  let result!: T;
  tensorTidy(() => {
    result = fn();
    if (result instanceof Promise) throw new Error('tidy: the function must be synchronous (it returned a Promise)');
    return reachableTensors(result);
  });
  return result;
}

/**
 * The tensors a value holds: tensors, and of each variable its data, its grad and what its graph saved
 * (not the data of the graph's intermediate variables: backward never reads those). Walked with
 * stacks, not recursion, so deep graphs are fine.
 */
function reachableTensors(value: unknown): Tensor[] {
  const out: Tensor[] = [];
  const seen = new Set<unknown>();
  const values: unknown[] = [value];
  const graph: Variable[] = [];
  while (values.length > 0) {
    const v = values.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Tensor) out.push(v);
    else if (v instanceof Variable) {
      out.push(v.data, ...(v.grad ? [v.grad] : []));
      graph.push(v);
    } else if (Array.isArray(v)) values.push(...v);
    else if (Object.getPrototypeOf(v) === Object.prototype) values.push(...Object.values(v));
  }
  const visited = new Set<Variable>(graph);
  while (graph.length > 0) {
    const node = graph.pop()?.gradFn;
    if (!node) continue;
    out.push(...node.savedTensors);
    for (const input of node.inputs) {
      if (input && !visited.has(input)) {
        visited.add(input);
        graph.push(input);
      }
    }
  }
  return out;
}
