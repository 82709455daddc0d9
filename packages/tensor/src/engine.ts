/**
 * The engine: which backends exist, which one new tensors go to, how many tensors view each buffer,
 * and the `tidy` scopes that dispose intermediates. It is the only global state of the package.
 */
import { type Backend, type BackendFactory, type BackendOptions, type DataId, FUSED_KERNELS, KERNELS } from './backend.js';

interface Registration {
  readonly factory: BackendFactory;
  /** Higher wins when no backend was chosen explicitly. */
  readonly priority: number;
  /** Whether the backend can run here at all (cheap, synchronous). */
  readonly available: () => boolean;
}

/** Something the engine can track and dispose: a Tensor. */
export interface Trackable {
  /** The buffer it views; several trackables may share one. */
  readonly dataId: DataId;
  /** The backend that owns the buffer. */
  readonly backend: Backend;
  /** True once `dispose` ran; using it afterwards throws. */
  readonly isDisposed: boolean;
  /** Releases this view; the buffer is freed when its last view goes. Safe to call twice. */
  dispose(): void;
}

const registry = new Map<string, Registration>();
const instances = new Map<string, Backend>();
let current: Backend | null = null;
/** How many live tensors view each buffer (views share a buffer). */
const refCounts = new Map<DataId, number>();
const live = new Set<Trackable>();
/** The stack of open tidy scopes; each collects the tensors created inside it. */
const scopes: Set<Trackable>[] = [];
let log: (message: string) => void = (m) => console.log(m);

/** Makes a backend known by name. `priority` orders the automatic choice. */
export function registerBackend(name: string, factory: BackendFactory, priority = 0, available: () => boolean = () => true): void {
  registry.set(name, { factory, priority, available });
}

/**
 * The names of every registered backend, available here or not, in registration order.
 * @example
 * registeredBackends(); // ['reference', 'gpujs', 'wasm']
 */
export function registeredBackends(): string[] {
  return [...registry.keys()];
}

/** Where the engine prints its one line about the chosen backend (tests silence it). */
export function setLogger(fn: (message: string) => void): void {
  log = fn;
}

/**
 * Chooses the backend new tensors are created on, creating it on first use, and prints the choice.
 * `options` go to the backend's factory (e.g. `{ mode: 'webgpu' }` for gpujs).
 */
export async function setBackend(name: string, options: BackendOptions = {}): Promise<Backend> {
  const reg = registry.get(name);
  if (!reg) throw new Error(`setBackend: unknown backend '${name}' (registered: ${registeredBackends().join(', ')})`);
  const key = instanceKey(name, options);
  let backend = instances.get(key);
  if (!backend) {
    backend = adopt(await reg.factory(options));
    instances.set(key, backend);
  }
  if (current !== backend) log(`@setr-ts/tensor: using backend ${backend.description}`);
  current = backend;
  return backend;
}

function instanceKey(name: string, options: BackendOptions): string {
  return Object.keys(options).length === 0 ? name : `${name}:${JSON.stringify(options)}`;
}

/**
 * The current backend. If none was chosen, the highest-priority available backend whose factory is
 * synchronous is created, and the choice is printed once (never a silent pick).
 */
export function getBackend(): Backend {
  if (current) return current;
  const candidates = [...registry.entries()].filter(([, r]) => r.available()).sort((a, b) => b[1].priority - a[1].priority);
  for (const [name] of candidates) {
    const b = defaultInstance(name);
    if (b === null) continue; // async backends must be chosen with `await setBackend(...)`
    current = b;
    log(`@setr-ts/tensor: no backend chosen, using ${b.description} (call setBackend to choose)`);
    return b;
  }
  throw new Error('getBackend: no backend is available');
}

/**
 * Runs `fn` with `backend` as the current backend, synchronously, and restores the previous choice
 * afterwards (also when `fn` throws). Tensors that `fn` creates without naming a backend go there.
 */
export function withBackend<T>(backend: Backend | string, fn: () => T): T {
  const b = typeof backend === 'string' ? findBackend(backend) : backend;
  const previous = current;
  current = b;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** A backend instance by name (created on first use if its factory is synchronous). */
export function findBackend(name: string): Backend {
  const b = defaultInstance(name);
  if (b === null) throw new Error(`findBackend: backend '${name}' initialises asynchronously; await setBackend('${name}') first`);
  return b;
}

/**
 * The instance of a registered backend with default options, shared by every caller and created on
 * first use; null when its factory is asynchronous (then only `setBackend` can create it).
 */
function defaultInstance(name: string): Backend | null {
  const existing = instances.get(name);
  if (existing) return existing;
  const reg = registry.get(name);
  if (!reg) throw new Error(`findBackend: unknown backend '${name}'`);
  const made = reg.factory({});
  if (made instanceof Promise) {
    made.catch(() => {}); // not used: its failure must not surface as an unhandled rejection
    return null;
  }
  const backend = adopt(made);
  instances.set(name, backend);
  return backend;
}

/**
 * Gives a backend that lacks some kernels (a partial or third-party backend) a stand-in for each that
 * throws an error naming the kernel and the backend, instead of a TypeError deep inside an op.
 */
function adopt(backend: Backend): Backend {
  const fused = FUSED_KERNELS.filter((k) => typeof backend[k] === 'function'); // optional: only those the backend has
  for (const kernel of [...KERNELS, ...fused]) {
    const own = backend[kernel] as ((...args: unknown[]) => unknown) | undefined;
    const run =
      typeof own === 'function'
        ? own.bind(backend)
        : () => {
            throw new Error(`${kernel}: backend ${backend.name} does not implement this kernel`);
          };
    // every kernel call passes here, so that a profiler can watch it (see setKernelHook)
    Object.defineProperty(backend, kernel, {
      value: (...args: unknown[]) => (kernelHook === null ? run(...args) : kernelHook(backend, kernel, args, run)),
    });
  }
  return backend;
}

// ----- what a profiler sees -----

/** Called instead of a kernel while set: it must call `run(...args)` and return its result. */
export type KernelHook = (backend: Backend, kernel: string, args: unknown[], run: (...args: unknown[]) => unknown) => unknown;
let kernelHook: KernelHook | null = null;
/** The names of the ops running now, outermost first (pushed by {@link op}). */
const opNames: string[] = [];
/** What the ops running now are part of: 'forward' unless {@link withPhase} says otherwise. */
const phases: string[] = [];

/** Routes every kernel call of every backend through `hook` (null: straight to the kernel). The profiler's seam. */
export function setKernelHook(hook: KernelHook | null): void {
  kernelHook = hook;
}

/** The names of the ops running now, outermost first. */
export function runningOps(): readonly string[] {
  return opNames;
}

/** Runs `fn` labelled as part of `phase` (autograd's backward pass, an optimizer step), for the profiler. */
export function withPhase<T>(phase: string, fn: () => T): T {
  phases.push(phase);
  try {
    return fn();
  } finally {
    phases.pop();
  }
}

/** The innermost phase label, 'forward' outside any. */
export function currentPhase(): string {
  return phases[phases.length - 1] ?? 'forward';
}

// ----- tensor bookkeeping -----

/** Records a new tensor: one more view of its buffer, and a member of the innermost tidy scope. */
export function track(t: Trackable): void {
  refCounts.set(t.dataId, (refCounts.get(t.dataId) ?? 0) + 1);
  live.add(t);
  scopes[scopes.length - 1]?.add(t);
}

/** Called by `Tensor.dispose`: frees the buffer when its last view goes. */
export function release(t: Trackable): void {
  live.delete(t);
  const n = (refCounts.get(t.dataId) ?? 1) - 1;
  if (n > 0) {
    refCounts.set(t.dataId, n);
  } else {
    refCounts.delete(t.dataId);
    t.backend.disposeData(t.dataId);
  }
}

/** Keeps a tensor alive past the tidy scope it was made in. */
export function keep<T extends Trackable>(t: T): T {
  for (const scope of scopes) scope.delete(t);
  return t;
}

/**
 * Runs `fn` and disposes every tensor created inside it, except those it returns (a tensor, or an
 * array or object of tensors, or what another package's objects hold: see {@link registerReferences})
 * and those passed to `keep`. When `fn` throws, everything it created is disposed before the error
 * goes on. Scopes nest: what a scope returns belongs to the enclosing one.
 * @example
 * const loss = tidy(() => x.matmul(w).relu().sum());   // the product and the relu are freed
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Trackable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    disposeAll(scope);
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    disposeAll(scope);
    throw new Error('tidy: the function must be synchronous (it returned a Promise)');
  }
  const kept = reachable(result);
  const outer = scopes[scopes.length - 1];
  for (const t of scope) {
    if (kept.has(t)) outer?.add(t);
    else if (!t.isDisposed) t.dispose();
  }
  return result;
}

/**
 * An op: `fn` wrapped so that it runs in its own {@link tidy} scope. Whatever temporaries the op makes
 * (broadcast views, contiguous copies, casts) are freed when it returns, and everything it made is
 * freed when it throws, so no op can leak. Every op function of this package is made with it.
 * @typeParam F - The wrapped function's type; the op has exactly the same signature.
 * @example
 * export const square = op('square', (x: Tensor) => mul(x, x));
 */
export function op<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  const scoped = (...args: Parameters<F>) => {
    opNames.push(name);
    try {
      return tidy(() => fn(...args));
    } finally {
      opNames.pop();
    }
  };
  Object.defineProperty(scoped, 'name', { value: name });
  return scoped as F;
}

function disposeAll(scope: Set<Trackable>): void {
  for (const t of scope) if (!t.isDisposed) t.dispose();
}

/** Tells tidy what tensors (or further objects) an object of another package holds; null for objects it does not know. */
export type References = (value: object) => readonly unknown[] | null;
const referenceRules: References[] = [];

/**
 * Teaches `tidy` to see into another package's objects: autograd registers one rule so that a returned
 * Variable keeps its value, its gradient and the tensors its graph saved for backward.
 */
export function registerReferences(rule: References): void {
  referenceRules.push(rule);
}

/** The live tensors a value reaches: tensors, arrays, plain objects, and objects a rule knows (walked with a stack, not recursion). */
function reachable(value: unknown): Set<Trackable> {
  const out = new Set<Trackable>();
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (live.has(v as Trackable)) out.add(v as Trackable);
    else if (Array.isArray(v)) stack.push(...v);
    else if (Object.getPrototypeOf(v) === Object.prototype) stack.push(...Object.values(v));
    else for (const rule of referenceRules) stack.push(...(rule(v) ?? []));
  }
  return out;
}

/** What {@link memory} reports: live tensors, and buffers and bytes per backend. */
export interface MemoryInfo {
  /** Live tensors (views count separately). */
  readonly numTensors: number;
  /** Per backend name: buffers and bytes it holds. */
  readonly backends: Record<
    string,
    {
      /** Buffers alive on that backend. */
      numBuffers: number;
      /** Bytes those buffers hold. */
      numBytes: number;
    }
  >;
  /** Sum of bytes over all backends. */
  readonly numBytes: number;
}

/** Live tensors and bytes per backend — what leak checks compare before and after. */
export function memory(): MemoryInfo {
  const backends: Record<string, { numBuffers: number; numBytes: number }> = {};
  let numBytes = 0;
  for (const [key, b] of instances) {
    const m = b.memory();
    backends[key] = { numBuffers: m.numBuffers, numBytes: m.numBytes };
    numBytes += m.numBytes;
  }
  return { numTensors: live.size, backends, numBytes };
}
