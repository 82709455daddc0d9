/**
 * The wasm backend's kernels: the module's exports. Task kernels take (job, task, slot) and may run
 * on any thread (see job.ts); the rest run on the calling thread. The module imports its memory, which
 * the TypeScript side creates (shared between threads where it can) and manages: this code allocates
 * nothing itself.
 *
 * A `// @inline` line above a function is AssemblyScript's `@inline` decorator, written so that the
 * sources stay TypeScript syntax for biome; scripts/build-wasm.mjs restores the decorator as it
 * compiles (see src/backends/wasm/README.md).
 */
export { biasTask, col2imTask } from './conv';
export { mapTask } from './elementwise';
export { gemmTask } from './gemm/gemm';
export { gather, scatterAdd } from './indexing';
export { copyTask, fillTask, transposeTask } from './layout';
export { adamwTask } from './optim';
export { resizeTask } from './resize';
export { layerNormBackwardTask, layerNormTask, reduceTask, softmaxBackwardTask, softmaxTask } from './rows';

/** First byte after the module's static data: where the TypeScript allocator may start. */
export function heapBase(): usize {
  return __heap_base;
}
