/**
 * Finding, checking and compiling the kernel module. `npm run build` (scripts/build-wasm.mjs) writes
 * four variants to build/; which one runs depends on what the host validates (relaxed SIMD: Node ≥ 22,
 * recent browsers, and Node 20–21 once its flag is on; see `usableVariants`) and whether memory can be
 * shared with workers. The URLs are written out literally,
 * relative to this file, so they resolve from src/backends/wasm (tests run the sources) and from
 * dist/backends/wasm alike, and bundlers can see them.
 */
import type { Platform } from './platform.js';

export interface Variant {
  readonly url: URL;
  readonly relaxed: boolean;
  readonly shared: boolean;
}

function variants(): Variant[] {
  return [
    { url: new URL('../../../build/setr-kernels-relaxed-threads.wasm', import.meta.url), relaxed: true, shared: true },
    { url: new URL('../../../build/setr-kernels-threads.wasm', import.meta.url), relaxed: false, shared: true },
    { url: new URL('../../../build/setr-kernels-relaxed.wasm', import.meta.url), relaxed: true, shared: false },
    { url: new URL('../../../build/setr-kernels.wasm', import.meta.url), relaxed: false, shared: false },
  ];
}

/** A minimal module: one function returning `v128.const 0` (and, if `relaxed`, a relaxed_madd of three). */
function probe(relaxed: boolean): Uint8Array<ArrayBuffer> {
  const zero = [0xfd, 0x0c, ...new Array(16).fill(0)];
  const body = relaxed ? [0x00, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x0b] : [0x00, ...zero, 0x0b];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // magic, version
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7b, // type section: () -> v128
    0x03,
    0x02,
    0x01,
    0x00, // function section: one function of type 0
    0x0a,
    body.length + 2,
    0x01,
    body.length,
    ...body, // code section
  ]);
}

/** Whether this engine runs WebAssembly SIMD (and, separately, relaxed SIMD). */
export function simdSupport(): { simd: boolean; relaxed: boolean } {
  if (typeof WebAssembly === 'undefined') return { simd: false, relaxed: false };
  return { simd: WebAssembly.validate(probe(false)), relaxed: WebAssembly.validate(probe(true)) };
}

/**
 * The variants this host can run, best first. With `wantRelaxed`, an engine that has relaxed SIMD
 * behind a flag (Node 20–21) gets the flag turned on first: its fused multiply-add makes the products
 * 1.2–1.5× faster here. Without it, only the portable builds are offered.
 */
export function usableVariants(platform: Platform, threads: boolean, wantRelaxed: boolean): Variant[] {
  let { simd, relaxed } = simdSupport();
  if (!simd) return [];
  if (wantRelaxed && !relaxed && platform.enableRelaxedSimd) {
    platform.enableRelaxedSimd();
    relaxed = simdSupport().relaxed;
  }
  const useRelaxed = wantRelaxed && relaxed;
  return variants().filter((v) => v.relaxed === useRelaxed && (!v.shared || (threads && platform.canShareMemory)));
}

export interface LoadedModule {
  readonly module: WebAssembly.Module;
  readonly variant: Variant;
}

function missing(v: Variant): Error {
  return new Error(`wasm backend: kernel module ${v.url.href} not found; build it with \`npm run build -w @setr-ts/tensor\``);
}

/** The first of {@link usableVariants}, or why there is none. */
function bestVariant(platform: Platform, threads: boolean, relaxed: boolean): Variant {
  const [best] = usableVariants(platform, threads, relaxed);
  if (!best) throw new Error('wasm backend: this JavaScript engine does not support WebAssembly SIMD');
  return best;
}

/** Compiles the best usable variant synchronously (Node), or returns null where only async loading works. */
export function loadModuleSync(platform: Platform, threads: boolean, relaxed: boolean): LoadedModule | null {
  const best = bestVariant(platform, threads, relaxed);
  if (platform.name === 'browser') return null;
  const bytes = platform.readFileSync(best.url);
  if (!bytes) throw missing(best);
  return { module: new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), variant: best };
}

/** Fetches and compiles the best usable variant (browsers, where synchronous compilation of large modules is refused). */
export async function loadModule(platform: Platform, threads: boolean, relaxed: boolean): Promise<LoadedModule> {
  const best = bestVariant(platform, threads, relaxed);
  const bytes = await platform.fetchBytes(best.url);
  return { module: await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>), variant: best };
}

/** Whether the module file is present (cheap; used by the backend's availability check). */
export function moduleBuilt(platform: Platform): boolean {
  if (platform.name === 'browser') return true;
  return variants().some((v) => !v.relaxed && !v.shared && platform.readFileSync(v.url) !== null);
}
