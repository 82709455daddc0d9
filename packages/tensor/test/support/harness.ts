/**
 * The conformance harness: `describeBackends` runs a block of cases once per backend under test, and
 * the {@link Harness} it hands the block runs an op there and on the reference backend over the same
 * inputs. Every run also checks that it leaked nothing: no live tensors and no backend buffers remain
 * once the inputs and outputs are disposed (the tfjs rule that every spec is a leak check).
 */
import fc from 'fast-check';
import { beforeAll, describe } from 'vitest';
import { type Backend, type DType, findBackend, memory, type Tensor, tensor, tidy, toBackend } from '../../src/index.js';
import { type BackendUnderTest, backendsUnderTest, useBackend } from './backends.js';
import { expectHostClose, type Tolerance } from './expect-close.js';
import { type HostTensor, host } from './host.js';

/** An op under test: tensors in, one tensor or a list out. Intermediates it makes are freed by `tidy`. */
export type Op = (...xs: Tensor[]) => Tensor | readonly Tensor[];

/** The seed of every property in the suite; change it (SETR_TEST_SEED) to explore, keep it to replay. */
export const SEED = Number(process.env.SETR_TEST_SEED ?? 20240611);
/** Multiplies every property's numRuns (SETR_TEST_RUNS_SCALE=10 for a deeper local search). */
const RUNS_SCALE = Number(process.env.SETR_TEST_RUNS_SCALE ?? 1);

/** Runs a fast-check property with the suite's fixed seed. */
export async function property<T>(arb: fc.Arbitrary<T>, predicate: (v: T) => Promise<void>, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, async (v) => {
      await predicate(v);
    }),
    { seed: SEED, numRuns: Math.max(1, Math.round(numRuns * RUNS_SCALE)) },
  );
}

async function toHost(t: Tensor): Promise<HostTensor> {
  return host(t.shape, await t.data(), t.dtype);
}

/** Runs `f` over `inputs` on `backend` (inputs made on the reference, moved with toBackend) and reads the results. */
async function runOn(backend: Backend, inputs: readonly HostTensor[], f: Op): Promise<HostTensor[]> {
  const before = memory().numTensors;
  const buffersBefore = backend.memory().numBuffers;
  const made = inputs.map((h) => tensor(h.data, h.shape, h.dtype, { backend: 'reference' }));
  const moved = made.map((t) => toBackend(t, backend));
  for (const t of made) t.dispose();
  let outs: readonly Tensor[] = [];
  const read: HostTensor[] = [];
  try {
    const result = tidy(() => f(...moved));
    outs = Array.isArray(result) ? (result as readonly Tensor[]) : [result as Tensor];
    for (const t of outs) read.push(await toHost(t));
  } finally {
    for (const t of [...outs, ...moved]) t.dispose();
  }
  const leakedTensors = memory().numTensors - before;
  const leakedBuffers = backend.memory().numBuffers - buffersBefore;
  if (leakedTensors !== 0 || leakedBuffers !== 0) {
    throw new Error(`${backend.name}: the op left ${leakedTensors} live tensors and ${leakedBuffers} backend buffers behind`);
  }
  return read;
}

export class Harness {
  private active: Backend | null = null;
  constructor(readonly bk: BackendUnderTest) {}

  async activate(): Promise<void> {
    this.active = await useBackend(this.bk);
  }
  get backend(): Backend {
    if (!this.active) throw new Error('harness: backend not activated (call inside a test)');
    return this.active;
  }
  get isReference(): boolean {
    return this.backend.name === 'reference';
  }
  /** The backend's tolerance against the reference for float32 results. */
  get tol(): Tolerance {
    return { rtol: this.bk.rtol, atol: this.bk.atol };
  }
  supports(dtype: DType): boolean {
    return this.backend.dtypes.includes(dtype);
  }

  /** `f` on the backend under test; outputs read back to the host. */
  run(inputs: readonly HostTensor[], f: Op): Promise<HostTensor[]> {
    return runOn(this.backend, inputs, f);
  }

  /**
   * `f` on the backend under test and on the reference over the same inputs; every output must match
   * in shape, dtype and values (within `tol`, the backend's tolerance unless given). Returns the outputs.
   */
  async agree(inputs: readonly HostTensor[], f: Op, tol: Tolerance = this.tol): Promise<HostTensor[]> {
    const actual = await this.run(inputs, f);
    if (this.isReference) return actual;
    const expected = await runOn(findBackend('reference'), inputs, f);
    if (actual.length !== expected.length) throw new Error(`${actual.length} outputs, the reference gave ${expected.length}`);
    for (const [i, a] of actual.entries()) expectHostClose(a, expected[i], tol, `output ${i}`);
    return actual;
  }
}

/** `describe`s `body` once per backend under test, with the backend activated before its cases. */
export function describeBackends(title: string, body: (h: Harness) => void): void {
  describe.each(backendsUnderTest())(`${title} [$label]`, (bk) => {
    const h = new Harness(bk);
    beforeAll(() => h.activate());
    body(h);
  });
}
