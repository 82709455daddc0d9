/**
 * What a Variable holds, told to the tensor package's `tidy`. `tidy` disposes every tensor made inside
 * it that its result does not reach; it walks tensors, arrays and plain objects itself and asks this
 * rule about everything else. A returned variable reaches its value, its gradient and its graph; a
 * node of the graph reaches the tensors it saved for backward and the nodes before it (not the values
 * of the intermediate variables: backward never reads those). So
 * `const loss = tidy(() => model(x))` keeps exactly what `loss.backward()` will read.
 */
import { registerReferences } from '@setr-ts/tensor';
import { Node } from './node.js';
import { Variable } from './variable.js';

registerReferences((value) => {
  if (value instanceof Variable) return [value.data, value.grad, value.gradFn];
  if (value instanceof Node) return [...value.savedTensors, ...value.inputs.map((input) => input?.gradFn)];
  return null;
});
