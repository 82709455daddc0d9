/**
 * Buffers and the kernel calls that fill them, for every gpu.js mode.
 *
 * A buffer is a `Slot`: its size, a Promise of its device value, and (once known) the value itself.
 * Every operation returns a Slot at once, so ops stay synchronous to the caller even where gpu.js is
 * not: a launch waits for its inputs' Promises, calls the kernel, and resolves its own. On webasm,
 * cpu and GL every value is known immediately and kernels run on the spot; on webgpu the chain of
 * Promises mirrors the device's queue, and only `read` waits for the GPU.
 *
 * Freeing must not race that chain: a Slot counts the launches and reads still to use it
 * (`pending`), and a disposed Slot's device memory is released when the count reaches zero.
 *
 * Errors: a kernel that fails synchronously throws to the caller, naming the op. One that fails
 * asynchronously rejects its Slot (and so every Slot computed from it); the error is also kept as
 * unreported, and the next `read` of any buffer throws it, so an error in an intermediate that was
 * disposed unread is not lost.
 *
 * Checks: some errors are facts about data on the device (an index out of range). Testing them at
 * once would mean a readback between ops, so a launch may carry a `Check` instead — a one-element
 * buffer computed beside it — which every Slot computed from it inherits, and which is read and
 * tested when such a Slot is read.
 */
import type { DataId } from '../../backend.js';
import type { Runner } from './chunks.js';
import type { CachedKernel, KernelCache } from './kernel-cache.js';
import type { Launch } from './launch.js';
import type { DeviceValue, Residency } from './residency.js';

/** The most elements a buffer holds, 2^24: float32 holds every integer up to here, and kernels compute indices in float32. */
export const MAX_ELEMENTS = 1 << 24;

/** A validation to run on the device: `launch` computes a few values, `failure` says what is wrong with them (or null). */
export interface CheckSpec {
  readonly launch: Launch;
  readonly failure: (values: Float32Array) => string | null;
}

interface Check {
  readonly slot: Slot;
  readonly failure: (values: Float32Array) => string | null;
  /** Slots that carry it; when the last is freed unread, the check's buffer goes too. */
  carriers: number;
  state: 'pending' | 'passed' | Error;
}

interface Slot {
  /** Elements the tensor holds; the device buffer has at least one (gpu.js has no empty outputs). */
  readonly size: number;
  value: DeviceValue | null;
  ready: Promise<DeviceValue>;
  /** Launches and reads that still need the value. */
  pending: number;
  disposed: boolean;
  /** Checks not yet passed by the data this Slot was computed from. */
  readonly checks: readonly Check[];
}

/** A kernel failure, named after the op; downstream launches pass it on unchanged. */
class KernelError extends Error {
  override name = 'KernelError';
}

export class DeviceMemory implements Runner {
  private readonly live = new Set<Slot>();
  private readonly unreported = new Set<KernelError>();
  /** `gpujs (webgpu)`, for messages. */
  private readonly label: string;

  constructor(
    private readonly residency: Residency,
    private readonly cache: KernelCache,
    /** The gpu.js mode every kernel must run in. */
    private readonly mode: string,
  ) {
    this.label = `gpujs (${mode})`;
  }

  /** A buffer holding `values` (already converted to float32 by the caller). */
  upload(values: Float32Array): DataId {
    checkSize('write', values.length);
    const data = values.length > 0 ? values : new Float32Array(1);
    if (!this.residency.onDevice) return this.settled(values.length, data, []);
    // on a device, the upload is itself a kernel: it turns host data into a resident handle
    const upload: Launch = {
      op: 'write',
      key: 'upload',
      source: () => 'function (values) {\nreturn values[this.thread.x];\n}',
      inputs: [],
      tables: [data],
      outSize: data.length,
    };
    return this.execute(upload, values.length, []);
  }

  /**
   * Runs a kernel; its output buffer is returned at once, filled now or (webgpu) later. `checks`
   * run beside it and are tested when the output, or anything computed from it, is read.
   */
  run(l: Launch, checks: readonly CheckSpec[] = []): DataId {
    checkSize(l.op, l.outSize);
    // gpu.js has no empty outputs; an empty result needs no kernel at all
    if (l.outSize === 0) return this.upload(new Float32Array(0));
    const made = checks.map(
      (c): Check => ({ slot: this.execute(c.launch, c.launch.outSize, []), failure: c.failure, carriers: 0, state: 'pending' }),
    );
    return this.execute(l, l.outSize, made);
  }

  /** Calls the kernel of `l` (`l.outSize` ≥ 1) for a buffer of `size` (0 for an empty upload). */
  private execute(l: Launch, size: number, ownChecks: readonly Check[]): Slot {
    const inputs = l.inputs.map((id) => this.slot(id, l.op));
    const checks = [...new Set([...inputs.flatMap((s) => s.checks.filter((c) => c.state !== 'passed')), ...ownChecks])];
    let entry: CachedKernel;
    try {
      entry = this.cache.get(l.key, l.source, l.outSize, [...inputs.map((s) => Math.max(s.size, 1)), ...l.tables.map((t) => t.length)]);
    } catch (e) {
      throw this.failure(l.op, e); // gpu.js parses the source here
    }
    for (const s of inputs) s.pending++;
    const call = (values: readonly DeviceValue[]) => {
      if (!this.cache.sizesBaked) entry.run.setOutput([l.outSize]);
      return entry.run(...(values as never[]), ...l.tables) as DeviceValue | Promise<DeviceValue>;
    };
    const finish = (value: DeviceValue) => {
      this.checkMode(entry.run, l.op);
      this.residency.adopt(entry.run, value);
      return value;
    };
    const release = () => {
      for (const s of inputs) this.release(s);
    };
    if (!this.residency.async && inputs.every((s) => s.value !== null)) {
      // webasm, cpu, GL: the kernel runs now, and a failure throws to the caller
      try {
        return this.settled(size, finish(call(inputs.map((s) => s.value as DeviceValue)) as DeviceValue), checks);
      } catch (e) {
        throw this.failure(l.op, e);
      } finally {
        release();
      }
    }
    // webgpu: the kernel runs once its inputs exist. Its first call builds it, and gpu.js reads the
    // output size only once built: until then each call waits for the one before
    const built = () => (entry.run.kernel as { built?: boolean }).built === true;
    const gate = built() ? null : entry.built;
    const compute = async (): Promise<DeviceValue> => {
      const values = await Promise.all(inputs.map((s) => s.ready)); // an input's failure passes on as it is
      await gate;
      try {
        return finish(await call(values));
      } catch (e) {
        const err = this.failure(l.op, e);
        this.unreported.add(err);
        throw err;
      }
    };
    const ready = compute();
    entry.built = built() ? null : ready.catch(() => {});
    const out = this.track({ size, value: null, ready, pending: 0, disposed: false, checks });
    ready
      .then(
        (v) => (out.value = v),
        () => {},
      )
      .finally(release);
    return out;
  }

  /** The buffer's values as float32 (a fresh array of exactly `size` elements). */
  async read(id: DataId): Promise<Float32Array> {
    const s = this.slot(id, 'read');
    s.pending++;
    try {
      let value: DeviceValue;
      try {
        value = await s.ready;
      } catch (e) {
        if (e instanceof KernelError) this.unreported.delete(e);
        throw e;
      }
      const earlier = this.unreported.values().next().value;
      if (earlier) {
        this.unreported.clear();
        throw new KernelError(`${this.label}: an earlier asynchronous kernel failed: ${earlier.message}`, { cause: earlier });
      }
      for (const c of s.checks) {
        if (c.state === 'pending' && !c.slot.disposed) this.verdict(c, await this.read(c.slot));
        if (c.state instanceof Error) throw c.state;
      }
      return (await this.residency.toHost(value)).slice(0, s.size);
    } finally {
      this.release(s);
    }
  }

  readSync(id: DataId): Float32Array {
    const s = this.slot(id, 'readSync');
    if (this.residency.async || s.value === null) {
      throw new Error(`${this.label} reads back asynchronously: use await tensor.data() instead of dataSync()/item()/toString()`);
    }
    for (const c of s.checks) {
      if (c.state === 'pending' && !c.slot.disposed) this.verdict(c, this.readSync(c.slot));
      if (c.state instanceof Error) throw c.state;
    }
    return (this.residency.toHost(s.value) as Float32Array).slice(0, s.size);
  }

  dispose(id: DataId): void {
    const s = id as Slot;
    if (!this.live.delete(s)) return;
    s.disposed = true;
    for (const c of s.checks) {
      if (--c.carriers === 0) this.dispose(c.slot);
    }
    if (s.pending === 0) this.free(s);
  }

  memory(): { numBuffers: number; numBytes: number } {
    let numBytes = 0;
    for (const s of this.live) numBytes += 4 * Math.max(s.size, 1);
    return { numBuffers: this.live.size, numBytes };
  }

  /** Waits until every launch issued so far has settled (webgpu), failed or not. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.live].map((s) => s.ready));
  }

  /** Records a check's value: passed, or failed with its message (kept for every carrier's reads). */
  private verdict(c: Check, values: Float32Array): void {
    if (c.state !== 'pending') return;
    const message = c.failure(values);
    c.state = message === null ? 'passed' : new Error(message);
    this.dispose(c.slot);
  }

  private settled(size: number, value: DeviceValue, checks: readonly Check[]): Slot {
    return this.track({ size, value, ready: Promise.resolve(value), pending: 0, disposed: false, checks });
  }

  private track(s: Slot): Slot {
    for (const c of s.checks) c.carriers++;
    this.live.add(s);
    return s;
  }

  private slot(id: DataId, op: string): Slot {
    const s = id as Slot;
    if (!this.live.has(s)) throw new Error(`${this.label} ${op}: buffer was disposed or belongs to another backend`);
    return s;
  }

  private release(s: Slot): void {
    s.pending--;
    if (s.disposed && s.pending === 0) this.free(s);
  }

  private free(s: Slot): void {
    if (s.value !== null) this.residency.free(s.value);
    else
      s.ready.then(
        (v) => this.residency.free(v),
        () => {},
      );
  }

  private failure(op: string, e: unknown): KernelError {
    if (e instanceof KernelError) return e;
    const message = e instanceof Error ? e.message : String(e);
    return new KernelError(`${this.label}: ${op} failed: ${message}`, { cause: e });
  }

  /** gpu.js quietly falls back to its cpu backend when a kernel uses a feature its mode lacks; here that is a bug. */
  private checkMode(run: { kernel: unknown }, op: string): void {
    const ran = (run.kernel as { constructor: { mode?: string } }).constructor.mode;
    // gpu.js's GL kernel classes (WebGL2Kernel, HeadlessGLKernel) inherit WebGLKernel's mode, 'gpu'
    const expected = this.mode === 'webgl2' || this.mode === 'headlessgl' ? 'gpu' : this.mode;
    if (ran !== expected) throw new KernelError(`${this.label}: ${op} ran on gpu.js '${ran}' instead of '${this.mode}'`);
  }
}

function checkSize(op: string, n: number): void {
  if (n > MAX_ELEMENTS) {
    throw new Error(
      `gpujs ${op}: ${n} elements exceed 2^24 = ${MAX_ELEMENTS}, the most a gpujs buffer holds (kernels index in float32, exact to 2^24)`,
    );
  }
}
