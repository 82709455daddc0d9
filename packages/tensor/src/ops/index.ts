/** Every op function, re-exported for `Tensor`'s methods and the package's public API. */
export * from './adamw.js';
export * from './conv.js';
export * from './elementwise.js';
export * from './indexing.js';
export * from './interpolate.js';
export * from './join.js';
export * from './matmul.js';
export * from './normalize.js';
export * from './reduce.js';
export { read, readSync, share, toNested } from './util.js';
export * from './view.js';
