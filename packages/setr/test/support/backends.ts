/**
 * The backends the SETR tests run on: the tensor package's conformance list (SETR_TEST_BACKENDS narrows
 * it the same way), without its thread-splitting wasm variant, each with its precision against
 * PyTorch's float64 values — the reference backend computes in float64, the others in float32.
 */
import {
  type BackendUnderTest as TensorBackendUnderTest,
  backendsUnderTest as tensorBackendsUnderTest,
} from '../../../tensor/test/support/backends.js';

export { useBackend } from '../../../tensor/test/support/backends.js';

export interface BackendUnderTest extends TensorBackendUnderTest {
  readonly dtype: 'float32' | 'float64';
  /** |got − want| ≤ tol · (1 + |want|). */
  readonly tol: number;
}

export function backendsUnderTest(): BackendUnderTest[] {
  return tensorBackendsUnderTest()
    .filter((b) => b.label !== 'wasm:split')
    .map((b) => (b.name === 'reference' ? { ...b, dtype: 'float64', tol: 1e-10 } : { ...b, dtype: 'float32', tol: 1e-4 }));
}
