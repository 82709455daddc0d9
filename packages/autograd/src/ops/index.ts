/** Every differentiable op (and the non-differentiable ones), one file per family. */
export * from './binary.js';
export * from './conv.js';
export * from './indexing.js';
export * from './interpolate.js';
export * from './join.js';
export * from './matmul.js';
export * from './nondiff.js';
export * from './normalize.js';
export * from './reduce.js';
export * from './unary.js';
export * from './view.js';
