/**
 * The allocator of the wasm backend's linear memory: every tensor buffer and every kernel's scratch
 * space lives in one WebAssembly.Memory, handed out here.
 *
 * Blocks come in size classes: 64, 128 and 192 bytes, then four per power of two (256, 320, 384, 448,
 * 512, 640, …), so above 256 bytes a request wastes at most a fifth of its block; a freed block goes onto its
 * class's free list to be reused by the next request of that class — a training step asks for the same sizes
 * every iteration, so after the first step almost every allocation is a list pop. New blocks are cut
 * from the top of the heap, growing the memory when needed. Only when the memory cannot grow any
 * further are the free lists coalesced (adjacent free blocks merged, the top of the heap lowered) and
 * larger free blocks split; if that does not make room either, the request fails with an error naming
 * its size and the limit.
 */

const PAGE = 65536;
/** Smallest block, and the alignment of every block (a cache line). */
const MIN_BLOCK = 64;
/** Classes below this size step by MIN_BLOCK; above it, by quarters of a power of two. */
const GEOMETRIC_FROM = 256;
const LINEAR_CLASSES = GEOMETRIC_FROM / MIN_BLOCK - 1;
const CLASSES_PER_DOUBLING = 4;

/** Block size of class `c`. */
export function classBytes(c: number): number {
  if (c < LINEAR_CLASSES) return MIN_BLOCK * (c + 1);
  const k = c - LINEAR_CLASSES;
  const e = Math.floor(k / CLASSES_PER_DOUBLING);
  return GEOMETRIC_FROM * 2 ** e * (1 + (k % CLASSES_PER_DOUBLING) / CLASSES_PER_DOUBLING);
}

/** Size class of a request: the smallest class whose block holds `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes <= GEOMETRIC_FROM - MIN_BLOCK) return Math.max(0, Math.ceil(bytes / MIN_BLOCK) - 1);
  const e = Math.max(0, Math.floor(Math.log2(bytes / GEOMETRIC_FROM)));
  let c = LINEAR_CLASSES + e * CLASSES_PER_DOUBLING + Math.ceil((bytes / (GEOMETRIC_FROM * 2 ** e) - 1) * CLASSES_PER_DOUBLING);
  // guard against rounding in log2
  while (classBytes(c) < bytes) c++;
  while (c > 0 && classBytes(c - 1) >= bytes) c--;
  return c;
}

/** The largest class whose blocks fit inside `bytes` (where a block of odd size goes on a free list). */
function classWithin(bytes: number): number {
  let c = sizeClass(bytes);
  while (c > 0 && classBytes(c) > bytes) c--;
  return c;
}

export interface AllocatorStats {
  /** Blocks handed out and not yet freed. */
  readonly blocks: number;
  /** Bytes those blocks span (size-class rounding included). */
  readonly blockBytes: number;
  /** Current size of the linear memory. */
  readonly memoryBytes: number;
  /** Blocks waiting on free lists. */
  readonly freeBlocks: number;
}

/** A block: its address and size in bytes. */
type Block = [ptr: number, size: number];

export class Allocator {
  /** Free blocks per size class, used last-in first-out (the most recently freed block is warm in cache). */
  private free: Block[][] = [];
  /** Size of every block handed out, by address. */
  private readonly used = new Map<number, number>();
  private usedBytes = 0;
  private top: number;

  /**
   * @param memory the linear memory (grown here, never shrunk)
   * @param heapStart first byte the allocator may use (after the module's static data)
   * @param maxBytes the memory's maximum size
   * @param onGrow called after the memory grows, so views of its buffer can be renewed
   */
  constructor(
    private readonly memory: WebAssembly.Memory,
    heapStart: number,
    private readonly maxBytes: number,
    private readonly onGrow: () => void,
  ) {
    this.top = Math.ceil(heapStart / MIN_BLOCK) * MIN_BLOCK;
  }

  /** The address of a new block of at least `bytes` bytes, 64-byte aligned. */
  alloc(bytes: number): number {
    const c = sizeClass(Math.max(bytes, 1));
    const size = classBytes(c);
    const block = this.free[c]?.pop() ?? this.cut(size) ?? this.reclaim(c, size);
    if (!block) throw this.outOfMemory(bytes);
    const [ptr, blockSize] = block;
    this.used.set(ptr, blockSize);
    this.usedBytes += blockSize;
    return ptr;
  }

  /** Returns a block to its free list. Freeing an address twice, or one never allocated, throws. */
  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`wasm allocator: address ${ptr} is not an allocated block (freed twice?)`);
    this.used.delete(ptr);
    this.usedBytes -= size;
    this.pushFree([ptr, size]);
  }

  /**
   * The largest request that can succeed once every block handed out from now on is freed again: the
   * largest size class that fits between the top of the heap and the memory's maximum.
   */
  largestBlock(): number {
    return classBytes(classWithin(this.maxBytes - this.top));
  }

  stats(): AllocatorStats {
    const freeBlocks = this.free.reduce((n, list) => n + (list?.length ?? 0), 0);
    return { blocks: this.used.size, blockBytes: this.usedBytes, memoryBytes: this.memory.buffer.byteLength, freeBlocks };
  }

  private pushFree(block: Block): void {
    const c = classWithin(block[1]);
    this.free[c] ??= [];
    this.free[c].push(block);
  }

  /** A new block from the top of the heap, growing the memory if needed; null if it cannot grow that far. */
  private cut(size: number): Block | null {
    const end = this.top + size;
    if (end > this.maxBytes) return null;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // grow by at least half again, so that a growing heap causes few grow calls
      const want = Math.min(this.maxBytes, Math.max(end, Math.floor(have * 1.5)));
      try {
        this.memory.grow(Math.ceil((want - have) / PAGE));
      } catch {
        return null; // the engine refused (the host may have less memory than the maximum)
      }
      this.onGrow();
    }
    const ptr = this.top;
    this.top = end;
    return [ptr, size];
  }

  /**
   * The slow path when the memory is full: merge adjacent free blocks, give blocks at the top of the
   * heap back to it, then try the free list, a larger free block (split), and the top again.
   */
  private reclaim(c: number, size: number): Block | null {
    this.coalesce();
    const exact = this.free[c]?.pop();
    if (exact) return exact;
    for (let k = c + 1; k < this.free.length; k++) {
      const block = this.free[k]?.pop();
      if (!block) continue;
      const [ptr, whole] = block;
      if (whole - size < MIN_BLOCK) return block;
      this.pushFree([ptr + size, whole - size]);
      return [ptr, size];
    }
    return this.cut(size);
  }

  private coalesce(): void {
    const blocks = this.free.flatMap((list) => list ?? []).sort((a, b) => a[0] - b[0]);
    this.free = [];
    const merged: Block[] = [];
    for (const [ptr, size] of blocks) {
      const last = merged[merged.length - 1];
      if (last && last[0] + last[1] === ptr) last[1] += size;
      else merged.push([ptr, size]);
    }
    const tail = merged[merged.length - 1];
    if (tail && tail[0] + tail[1] === this.top) {
      this.top = tail[0];
      merged.pop();
    }
    for (const block of merged) this.pushFree(block);
  }

  private outOfMemory(bytes: number): Error {
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    return new Error(
      `wasm backend: out of memory allocating ${bytes} bytes (${mib(bytes)}): ${mib(this.usedBytes)} in use, ` +
        `memory maximum ${mib(this.maxBytes)}; dispose tensors you no longer need or raise the maximum with setBackend('wasm', { maxMemoryMB })`,
    );
  }
}
