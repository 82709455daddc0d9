/**
 * The backends the shared conformance suite runs on. Each entry is one backend configuration; a
 * suite calls `describe.each(backendsUnderTest())` (via `describeBackends` in harness.ts) and every
 * case runs on all of them, compared with the reference backend. Only registered backends run.
 *
 * Environment:
 * - `SETR_TEST_BACKENDS=reference,gpujs:webasm` narrows the list (comma-separated labels);
 * - `SETR_TEST_SEED=n` changes the seed of every property test (a failure prints its counterexample);
 * - `SETR_TEST_RUNS_SCALE=10` multiplies every property's number of runs, for a deeper search.
 *
 * e.g. `SETR_TEST_BACKENDS=wasm npx vitest run test/conformance test/golden`
 */
import { type Backend, registeredBackends, setBackend, setLogger } from '../../src/index.js';

export interface BackendUnderTest {
  /** Label used in test names and in SETR_TEST_BACKENDS, e.g. `gpujs:webgpu`. */
  readonly label: string;
  readonly name: string;
  readonly options: Record<string, unknown>;
  /** Relative/absolute tolerance against the reference for float32 results. */
  readonly rtol: number;
  readonly atol: number;
}

const ALL: BackendUnderTest[] = [
  { label: 'reference', name: 'reference', options: {}, rtol: 0, atol: 0 },
  { label: 'gpujs:webasm', name: 'gpujs', options: { mode: 'webasm' }, rtol: 1e-4, atol: 1e-5 },
  { label: 'gpujs:webgpu', name: 'gpujs', options: { mode: 'webgpu' }, rtol: 1e-4, atol: 1e-5 },
  { label: 'gpujs:cpu', name: 'gpujs', options: { mode: 'cpu' }, rtol: 1e-4, atol: 1e-5 },
  { label: 'wasm', name: 'wasm', options: {}, rtol: 1e-4, atol: 1e-5 },
  // every job split over two threads, however small: the suite's tiny shapes then reach the partitioning
  // code; and the portable build (mul then add), where 'wasm' runs the relaxed one (fused multiply-add)
  { label: 'wasm:split', name: 'wasm', options: { threads: 2, minParallelMicros: 0, relaxedSimd: false }, rtol: 1e-4, atol: 1e-5 },
];

export function backendsUnderTest(): BackendUnderTest[] {
  const wanted = process.env.SETR_TEST_BACKENDS?.split(',').map((s) => s.trim());
  const registered = new Set(registeredBackends());
  return ALL.filter((b) => registered.has(b.name) && (!wanted || wanted.includes(b.label)));
}

/** Activates a backend for the tests that follow, quietly. */
export async function useBackend(b: BackendUnderTest): Promise<Backend> {
  setLogger(() => {});
  return setBackend(b.name, b.options);
}
