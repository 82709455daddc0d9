/**
 * The wasm backend's memory: the size-class allocator on its own (classes, reuse, coalescing, the
 * out-of-memory error), and through the backend (memory() accounting, dispose, reuse across steps,
 * a clear error at the memory's maximum, and the options' checks).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Allocator, classBytes, sizeClass } from '../src/backends/wasm/allocator.js';
import { setBackend, setLogger, type Tensor, tidy, type WasmBackend, zeros } from '../src/index.js';

const PAGE = 65536;

/** An allocator over a fresh memory of `pages` pages that may grow to `maxPages`. */
function allocator(pages: number, maxPages: number): { a: Allocator; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: maxPages });
  return { a: new Allocator(memory, 1000, maxPages * PAGE, () => {}), memory };
}

describe('size classes', () => {
  it('are multiples of 64 bytes, grow by at most a quarter per class, and hold their requests', () => {
    for (let c = 0; c < 100; c++) {
      expect(classBytes(c) % 64).toBe(0);
      expect(classBytes(c + 1)).toBeGreaterThan(classBytes(c));
      if (c > 4) expect(classBytes(c + 1) / classBytes(c)).toBeLessThanOrEqual(1.25 + 1e-9);
    }
    for (const bytes of [1, 63, 64, 65, 100, 1000, 4096, 4097, 123_457, 2 ** 20, 3 * 2 ** 20 + 1]) {
      const c = sizeClass(bytes);
      expect(classBytes(c)).toBeGreaterThanOrEqual(bytes);
      if (c > 0) expect(classBytes(c - 1)).toBeLessThan(bytes);
    }
  });
});

describe('Allocator', () => {
  it('hands out 64-byte aligned, disjoint blocks after the heap start', () => {
    const { a } = allocator(1, 16);
    const blocks = [100, 7, 5000, 64, 1].map((n) => [a.alloc(n), n] as const);
    for (const [p] of blocks) {
      expect(p % 64).toBe(0);
      expect(p).toBeGreaterThanOrEqual(1000);
    }
    const sorted = [...blocks].sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i][0]).toBeGreaterThanOrEqual(sorted[i - 1][0] + sorted[i - 1][1]);
  });

  it('reuses a freed block for the next request of its class, most recently freed first', () => {
    const { a } = allocator(1, 16);
    const p = a.alloc(1000);
    const q = a.alloc(1000);
    a.release(p);
    a.release(q);
    expect(a.alloc(990)).toBe(q);
    expect(a.alloc(1000)).toBe(p);
    expect(a.stats().freeBlocks).toBe(0);
  });

  it('grows the memory when the heap runs past it', () => {
    const { a, memory } = allocator(1, 64);
    a.alloc(3 * PAGE);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(3 * PAGE + 1000);
  });

  it('merges free neighbours when the memory is full, so a large block fits where small ones were', () => {
    const { a } = allocator(1, 8); // 512 KiB in all
    const small = Array.from({ length: 7 }, () => a.alloc(60_000));
    for (const p of small) a.release(p);
    // seven free 64 KiB blocks, none large enough alone (400,000 bytes take a 448 KiB block); merged they are
    const big = a.alloc(400_000);
    expect(big).toBe(small[0]);
  });

  it('fails with an error naming the request and the maximum, and stays usable', () => {
    const { a } = allocator(1, 4);
    a.alloc(100_000);
    expect(() => a.alloc(300_000)).toThrow(/out of memory allocating 300000 bytes \(0\.3 MiB\).*memory maximum 0\.3 MiB/);
    expect(a.alloc(1000)).toBeGreaterThan(0);
  });

  it('refuses to free an address twice', () => {
    const { a } = allocator(1, 4);
    const p = a.alloc(10);
    a.release(p);
    expect(() => a.release(p)).toThrow(/not an allocated block/);
  });
});

describe('wasm backend memory', () => {
  let b: WasmBackend;
  beforeAll(async () => {
    setLogger(() => {});
    b = (await setBackend('wasm', { threads: 1, maxMemoryMB: 64 })) as WasmBackend;
  });

  it('memory() counts buffers and bytes; dispose gives them back', () => {
    const before = b.memory();
    const x = zeros([10, 30], { backend: b });
    const y = zeros([7], { backend: b, dtype: 'int32' });
    expect(b.memory()).toEqual({ numBuffers: before.numBuffers + 2, numBytes: before.numBytes + 4 * 307 });
    x.dispose();
    y.dispose();
    expect(b.memory()).toEqual(before);
  });

  it('a training-like loop reuses its blocks: the memory stops growing after the first step', () => {
    const step = (w: Tensor) => tidy(() => w.matmul(w.T).softmax(1).sum());
    const w = zeros([300, 200], { backend: b });
    step(w).dispose();
    const size = b.stats().memoryBytes;
    for (let i = 0; i < 20; i++) step(w).dispose();
    expect(b.stats().memoryBytes).toBe(size);
    w.dispose();
  });

  it('an allocation past the maximum is an error naming the request and the limit; the backend keeps working', () => {
    // one buffer larger than the memory could ever hold: refused before anything is allocated
    expect(() => zeros([20_000_000], { backend: b })).toThrow(
      /full: shape \[20000000\] of float32 needs 76\.3 MiB, more than backend wasm holds/,
    );
    // one that fits alone, but not beside another: the allocator names the request and the limit
    const big = zeros([10_000_000], { backend: b });
    expect(() => zeros([10_000_000], { backend: b })).toThrow(
      /out of memory allocating 40000000 bytes \(38\.1 MiB\).*memory maximum 64\.0 MiB/,
    );
    big.dispose();
    const x = zeros([1000], { backend: b });
    expect(x.sum().item()).toBe(0);
    x.dispose();
  });

  it('options are checked', async () => {
    await expect(setBackend('wasm', { thread: 2 })).rejects.toThrow(/unknown option\(s\) thread/);
    await expect(setBackend('wasm', { threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(setBackend('wasm', { maxMemoryMB: 8192 })).rejects.toThrow(/maxMemoryMB must be in \[1, 4096\]/);
  });
});
