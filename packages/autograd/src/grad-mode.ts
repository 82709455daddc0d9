/**
 * Whether ops record the graph. Inside `noGrad(fn)` they compute values only: evaluation and
 * optimizer updates need no backward pass, and recording would keep tensors alive for nothing.
 */
let disabledDepth = 0;

/** True unless called inside {@link noGrad}. */
export function isGradEnabled(): boolean {
  return disabledDepth === 0;
}

/**
 * Runs `fn` without recording: every variable it makes has `requiresGrad` false and no `gradFn`.
 * Calls nest. `fn` must be synchronous (after an `await` the mode would already be restored).
 * @example const y = noGrad(() => model(x));   // inference: no graph, no saved tensors
 */
export function noGrad<T>(fn: () => T): T {
  disabledDepth++;
  let result: T;
  try {
    result = fn();
  } finally {
    disabledDepth--;
  }
  if (result instanceof Promise) throw new Error('noGrad: the function must be synchronous (it returned a Promise)');
  return result;
}
