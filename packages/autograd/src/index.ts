/**
 * @setr-ts/autograd — reverse-mode automatic differentiation over @setr-ts/tensor. Wrap tensors in
 * variables, compute with the same op names as the tensor package, call `backward()`, read `.grad`.
 * See the package README for how the graph and the backward pass work, and API.md for the list.
 */
import './references.js';

// tidy is the tensor package's: autograd teaches it what a Variable holds (references.ts)
export { tidy } from '@setr-ts/tensor';
export type { BackwardOptions } from './backward.js';
export { isGradEnabled, noGrad } from './grad-mode.js';
export { type GradcheckOptions, type GradcheckResult, gradcheck } from './gradcheck.js';
export { type BackwardFn, Node } from './node.js';
export { asOneOp, type OpAttrs, type OpCall, type OpObserver, observeOps } from './op-observer.js';
export * from './ops/index.js';
export { constant, record, type Save, type VariableLike } from './record.js';
export { unbroadcast } from './unbroadcast.js';
export { isVariable, parameter, Variable, variable } from './variable.js';
