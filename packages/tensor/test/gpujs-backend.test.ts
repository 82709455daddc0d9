/**
 * What the gpujs backend promises beyond its kernels' values: how its mode is chosen and printed,
 * that tensors stay on the device between ops (webgpu), that reads are asynchronous there and
 * readSync says so, that disposing frees device memory, that compiled kernels are reused, and that
 * errors raised on the device — a failed kernel, an index out of range — reach the caller.
 */
import gpujs from 'gpu.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceMemory } from '../src/backends/gpujs/device-memory.js';
import { createGpujsBackend, type GpujsBackend } from '../src/backends/gpujs/gpujs-backend.js';
import { KernelCache } from '../src/backends/gpujs/kernel-cache.js';
import type { Launch } from '../src/backends/gpujs/launch.js';
import { chooseMode, type GpujsMode, MODES, type Probe } from '../src/backends/gpujs/modes.js';
import { residencyOf } from '../src/backends/gpujs/residency.js';
import { getBackend, registeredBackends, setBackend, setLogger, type Tensor, tensor, tidy, zeros } from '../src/index.js';

const { GPU } = gpujs;

describe('choosing a mode', () => {
  it('is never automatic: with nothing chosen the engine takes the reference backend', () => {
    setLogger(() => {});
    expect(registeredBackends()).toContain('gpujs');
    expect(getBackend().name).not.toBe('gpujs');
  });

  it('auto probes webgpu, headlessgl, webgl2, webasm, cpu in order and says what it passed over', async () => {
    const tried: GpujsMode[] = [];
    const machine = async (mode: GpujsMode): Promise<Probe> => {
      tried.push(mode);
      return mode === 'webasm' ? { ok: true, detail: 'wasm here' } : { ok: false, why: `no ${mode}` };
    };
    const choice = await chooseMode('auto', machine);
    expect(tried).toEqual(['webgpu', 'headlessgl', 'webgl2', 'webasm']);
    expect(choice).toEqual({
      mode: 'webasm',
      detail: 'wasm here',
      auto: true,
      probes: ['webgpu: no webgpu', 'headlessgl: no headlessgl', 'webgl2: no webgl2'],
    });
  });

  it('auto on this machine: the description names the mode that runs and says auto chose it', async () => {
    const b = await createGpujsBackend({ mode: 'auto' });
    expect(MODES).toContain(b.mode);
    expect(b.description).toMatch(new RegExp(`^gpujs \\(${b.mode}, .*chosen by auto`));
    if (b.mode !== 'webgpu') expect(b.description).toMatch(/after webgpu: /);
    await b.dispose();
  });

  it('an explicit mode, the SETR_GPUJS_MODE environment variable, and the option winning over it', async () => {
    const saved = process.env.SETR_GPUJS_MODE;
    try {
      process.env.SETR_GPUJS_MODE = 'cpu';
      const fromEnv = await createGpujsBackend();
      expect([fromEnv.mode, fromEnv.description]).toEqual([
        'cpu',
        "gpujs (cpu, plain JavaScript) — this runs on the CPU, where the 'wasm' backend is much faster",
      ]);
      const explicit = await createGpujsBackend({ mode: 'webasm' });
      expect(explicit.mode).toBe('webasm');
      expect(explicit.description).toMatch(/^gpujs \(webasm, WebAssembly/);
      await Promise.all([fromEnv.dispose(), explicit.dispose()]);
    } finally {
      if (saved === undefined) delete process.env.SETR_GPUJS_MODE;
      else process.env.SETR_GPUJS_MODE = saved;
    }
  });

  it('an unknown or unavailable mode is an error that says why', async () => {
    await expect(createGpujsBackend({ mode: 'metal' })).rejects.toThrow(
      /unknown mode 'metal' \(choose auto, webgpu, headlessgl, webgl2, webasm, cpu\)/,
    );
    if (!GPU.isHeadlessGLSupported) {
      await expect(createGpujsBackend({ mode: 'headlessgl' })).rejects.toThrow(
        /mode: 'headlessgl' \}\): not available here: needs the optional 'gl' package/,
      );
    }
  });

  it('the engine prints the description when the backend is chosen', async () => {
    const lines: string[] = [];
    setLogger((m) => lines.push(m));
    const b = await setBackend('gpujs', { mode: 'webasm' });
    expect(lines).toEqual([`@setr-ts/tensor: using backend ${b.description}`]);
    setLogger(() => {});
    await setBackend('reference');
  });

  it('float64 is not offered; int32 beyond ±2^24 and buffers beyond 2^24 elements are refused', async () => {
    const b = (await setBackend('gpujs', { mode: 'webasm' })) as GpujsBackend;
    expect(b.dtypes).toEqual(['float32', 'int32']);
    const x = tensor([1, 2], undefined, 'float32', { backend: b });
    expect(() => x.double()).toThrow(/cast: backend gpujs does not support dtype float64/);
    expect(() => b.write(new Float64Array(2), 'float64')).toThrow(/gpujs write: dtype float64 is not supported/);
    expect(() => tensor([2 ** 24 + 1], undefined, 'int32', { backend: b })).toThrow(/int32 value 16777217 is beyond ±2\^24/);
    expect(() => zeros([4097, 4097], { backend: b })).toThrow(
      /full: shape \[4097,4097\] of float32 needs 67141636 bytes, more than backend gpujs holds/,
    );
    expect(() => b.write(new Float32Array(4097 * 4097), 'float32')).toThrow(/gpujs write: 16785409 elements exceed 2\^24/);
    x.dispose();
    await setBackend('reference');
  });
});

/** Records calls of a WebGPU method (Dawn's classes are globals once node-webgpu has installed them). */
function spyOn(className: 'GPUBuffer' | 'GPUDevice', method: string): { calls: { self: unknown; result: unknown }[]; restore: () => void } {
  const proto = (globalThis as unknown as Record<string, { prototype: Record<string, (...a: unknown[]) => unknown> }>)[className].prototype;
  const original = proto[method];
  const calls: { self: unknown; result: unknown }[] = [];
  proto[method] = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    calls.push({ self: this, result });
    return result;
  };
  return { calls, restore: () => (proto[method] = original) };
}

/** GPUBufferUsage.STORAGE | COPY_SRC: how gpu.js makes a kernel's output buffer. */
const OUTPUT_USAGE = 0x80 | 0x04;

describe('webgpu: residency, asynchronous reads, freeing', () => {
  let b: GpujsBackend;
  beforeAll(async () => {
    setLogger(() => {});
    b = (await setBackend('gpujs', { mode: 'webgpu' })) as GpujsBackend;
  });
  afterAll(() => setBackend('reference'));

  it('ops return at once and nothing comes back from the device until a read', async () => {
    const readbacks = spyOn('GPUBuffer', 'mapAsync');
    const chain = (x: Tensor) =>
      tidy(() => {
        let y = x;
        for (let i = 0; i < 10; i++) y = y.mul(2).add(1).relu().T;
        return y.sum(1);
      });
    try {
      const data = [
        [1, -2, 3],
        [4, 5, -6],
      ];
      const x = tensor(data, undefined, undefined, { backend: b });
      const s = chain(x);
      await b.flush();
      expect(readbacks.calls.length).toBe(0);
      const got = await s.data();
      expect(readbacks.calls.length).toBe(1);
      const xr = tensor(data, undefined, undefined, { backend: 'reference' });
      const sr = chain(xr);
      expect(Array.from(got)).toEqual(Array.from(sr.dataSync()));
      for (const t of [x, s, xr, sr]) t.dispose();
    } finally {
      readbacks.restore();
    }
  });

  it('readSync explains itself; data() works', async () => {
    const x = tensor([1.5, 2.5], undefined, undefined, { backend: b });
    const y = x.mul(x);
    expect(() => y.dataSync()).toThrow(
      'gpujs (webgpu) reads back asynchronously: use await tensor.data() instead of dataSync()/item()/toString()',
    );
    expect(Array.from(await y.data())).toEqual([2.25, 6.25]);
    x.dispose();
    y.dispose();
  });

  /**
   * The output buffers `body` creates on the device, and which of them are destroyed once it has
   * finished and the queue has drained. `body` runs twice and only the second run is watched: the
   * first builds its kernels, and gpu.js replaces the output it made while building on a first call.
   */
  async function outputsFreedBy(body: () => Promise<void>): Promise<{ created: number; destroyed: number }> {
    await body();
    await b.flush();
    const created = spyOn('GPUDevice', 'createBuffer');
    const destroyed = spyOn('GPUBuffer', 'destroy');
    try {
      await body();
      await b.flush();
      const outputs = created.calls
        .filter((c) => ((c.result as { usage: number }).usage & OUTPUT_USAGE) === OUTPUT_USAGE)
        .map((c) => c.result);
      return { created: outputs.length, destroyed: outputs.filter((o) => destroyed.calls.some((c) => c.self === o)).length };
    } finally {
      created.restore();
      destroyed.restore();
    }
  }

  it('dispose frees the device buffer at once, though the kernel that made it sits idle', async () => {
    const before = b.memory();
    const freed = await outputsFreedBy(async () => {
      const x = tensor(new Float32Array(1000).fill(1.5), undefined, undefined, { backend: b });
      const y = x.mul(x);
      expect(b.memory().numBuffers - before.numBuffers).toBe(2);
      expect(b.memory().numBytes - before.numBytes).toBe(8000);
      await y.data();
      x.dispose();
      y.dispose();
      expect(b.memory()).toEqual(before);
    });
    expect(freed).toEqual({ created: 2, destroyed: 2 });
  });

  it('disposing inputs before their consumers have run is safe: buffers go once nothing needs them', async () => {
    const before = b.memory().numBuffers;
    const freed = await outputsFreedBy(async () => {
      const x = tensor([1, 2, 3], undefined, undefined, { backend: b });
      const y = x.exp();
      x.dispose();
      const z = y.log();
      y.dispose();
      expect(b.memory().numBuffers - before).toBe(1);
      const values = Array.from(await z.data());
      for (const [i, v] of [1, 2, 3].entries()) expect(values[i]).toBeCloseTo(v, 5);
      z.dispose();
    });
    expect(freed).toEqual({ created: 3, destroyed: 3 });
  });

  it('an index out of range is scanned on the device and reported when the result is read', async () => {
    const before = b.memory().numBuffers;
    const x = tensor([10, 20, 30], undefined, undefined, { backend: b });
    const good = tensor([2, 0], undefined, 'int32', { backend: b });
    const bad = tensor([1, 7, -1], undefined, 'int32', { backend: b });
    const g = x.gather(0, good);
    expect(Array.from(await g.data())).toEqual([30, 10]);
    const out = x.gather(0, bad);
    const later = out.add(1);
    await expect(out.data()).rejects.toThrow('gather: index 7 is out of range for dim 0 of size 3');
    await expect(later.data()).rejects.toThrow('gather: index 7 is out of range for dim 0 of size 3');
    for (const t of [x, good, bad, g, out, later]) t.dispose();
    expect(b.memory().numBuffers).toBe(before);
  });
});

describe('errors inside kernels reach the caller, named after the op', () => {
  /** Valid JavaScript that gpu.js turns into invalid WGSL (`++` on a float), so the kernel fails while building. */
  const broken = (input: object | null): Launch => ({
    op: 'broken op',
    key: 'broken',
    source: () => 'function (x) {\nlet v = x[this.thread.x];\nv++;\nreturn v;\n}',
    inputs: input ? [input] : [],
    tables: input ? [] : [new Float32Array(4)],
    outSize: 4,
  });
  const copy = (input: object): Launch => ({
    op: 'copy',
    key: 'copy',
    source: () => 'function (x) {\nreturn x[this.thread.x];\n}',
    inputs: [input],
    tables: [],
    outSize: 4,
  });

  it('webgpu: a failed kernel rejects its reads and its dependents; one disposed unread fails the next read', async () => {
    const residency = residencyOf('webgpu');
    const gpu = new GPU({ mode: 'webgpu' });
    const memory = new DeviceMemory(residency, new KernelCache(gpu, residency.kernelSettings, false, 16), 'webgpu');
    const bad = memory.run(broken(null));
    const after = memory.run(copy(bad));
    await expect(memory.read(bad)).rejects.toThrow(/^gpujs \(webgpu\): broken op failed: Error compiling WGSL/);
    await expect(memory.read(after)).rejects.toThrow(/^gpujs \(webgpu\): broken op failed/);

    const lost = memory.run(broken(null));
    memory.dispose(lost);
    const fine = memory.upload(new Float32Array([1, 2, 3, 4]));
    await expect(memory.read(fine)).rejects.toThrow(/an earlier asynchronous kernel failed: gpujs \(webgpu\): broken op failed/);
    expect(Array.from(await memory.read(fine))).toEqual([1, 2, 3, 4]);
    for (const id of [bad, after, fine]) memory.dispose(id);
    expect(memory.memory().numBuffers).toBe(0);
    await gpu.destroy();
  });

  it('webasm: the same failure throws at once', async () => {
    const residency = residencyOf('webasm');
    const gpu = new GPU({ mode: 'webasm' });
    const memory = new DeviceMemory(residency, new KernelCache(gpu, residency.kernelSettings, true, 16), 'webasm');
    const x = memory.upload(new Float32Array([1, 2, 3, 4]));
    expect(() => memory.run({ ...copy(x), source: () => 'function (x) {\nreturn x[this.thread.x] +* 1;\n}', key: 'syntax' })).toThrow(
      /^gpujs \(webasm\): copy failed: /,
    );
    memory.dispose(x);
    await gpu.destroy();
  });

  it('webasm: an index out of range throws at the call, as on the reference', async () => {
    const b = await createGpujsBackend({ mode: 'webasm' });
    const x = tensor([10, 20, 30], undefined, undefined, { backend: b });
    const bad = tensor([[0, 3]], undefined, 'int32', { backend: b });
    const row = x.reshape(1, 3);
    expect(() => row.gather(1, bad)).toThrow('gather: index 3 is out of range for dim 1 of size 3');
    for (const t of [x, bad, row]) t.dispose();
    expect(b.memory().numBuffers).toBe(0);
    await b.dispose();
  });
});

describe.each(['webasm', 'webgpu'])('kernel cache (%s)', (mode) => {
  it('builds a kernel once per variant and reuses it; webasm also once per size, webgpu not', async () => {
    const b = await createGpujsBackend({ mode });
    const run = async (n: number) => {
      const x = tensor(new Float32Array(n).fill(2), undefined, undefined, { backend: b });
      const y = x.mul(x);
      await y.data();
      x.dispose();
      y.dispose();
    };
    await run(10);
    const first = b.kernelStats();
    await run(10);
    const again = b.kernelStats();
    expect(again.compiled).toBe(first.compiled);
    expect(again.reused).toBeGreaterThan(first.reused);
    await run(37);
    expect(b.kernelStats().compiled - again.compiled).toBe(mode === 'webasm' ? first.compiled : 0);
    await b.dispose();
  });
});

describe('webasm and cpu read synchronously', () => {
  it.each(['webasm', 'cpu'])('%s: dataSync and item work', async (mode) => {
    const b = await createGpujsBackend({ mode });
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      undefined,
      { backend: b },
    );
    const s = x.T.matmul(x).sum();
    expect(s.item()).toBe(1 * 1 + 3 * 3 + (1 * 2 + 3 * 4) * 2 + 2 * 2 + 4 * 4);
    expect(Array.from(x.T.contiguous().dataSync())).toEqual([1, 3, 2, 4]);
    await b.dispose();
  });
});
