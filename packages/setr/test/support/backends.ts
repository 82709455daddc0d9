/**
 * The backends the SETR tests run on, each with its precision against PyTorch's float64 values:
 * the reference backend computes in float64, the others in float32. `SETR_TEST_BACKENDS=reference,wasm`
 * narrows the list (labels as below); only registered backends run.
 */
import { type Backend, type DType, registeredBackends, setBackend, setLogger } from '@setr-ts/tensor';

export interface BackendUnderTest {
  readonly label: string;
  readonly name: string;
  readonly options: Record<string, unknown>;
  readonly dtype: DType;
  /** |got − want| ≤ tol · (1 + |want|). */
  readonly tol: number;
}

const ALL: BackendUnderTest[] = [
  { label: 'reference', name: 'reference', options: {}, dtype: 'float64', tol: 1e-10 },
  { label: 'wasm', name: 'wasm', options: {}, dtype: 'float32', tol: 1e-4 },
  { label: 'gpujs:webgpu', name: 'gpujs', options: { mode: 'webgpu' }, dtype: 'float32', tol: 1e-4 },
  { label: 'gpujs:webasm', name: 'gpujs', options: { mode: 'webasm' }, dtype: 'float32', tol: 1e-4 },
  { label: 'gpujs:cpu', name: 'gpujs', options: { mode: 'cpu' }, dtype: 'float32', tol: 1e-4 },
];

export function backendsUnderTest(): BackendUnderTest[] {
  const wanted = process.env.SETR_TEST_BACKENDS?.split(',').map((s) => s.trim());
  const registered = new Set(registeredBackends());
  return ALL.filter((b) => registered.has(b.name) && (!wanted || wanted.includes(b.label)));
}

export async function useBackend(b: BackendUnderTest): Promise<Backend> {
  setLogger(() => {});
  return setBackend(b.name, b.options);
}
