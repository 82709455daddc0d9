/**
 * The Module: a node of a network's tree. It owns named parameters (learned), named buffers (state
 * that is saved but not learned, such as BatchNorm's running statistics) and named child modules.
 * Names join with dots into the keys of PyTorch's `state_dict` (`blocks.0.attn.qkv.weight`), in the
 * order things were registered — so a checkpoint moves between this project and PyTorch unchanged.
 *
 * PyTorch registers by attribute assignment; TypeScript has no `__setattr__`, so a module registers
 * explicitly and keeps a typed field as well:
 *
 *   this.weight = this.registerParameter('weight', new Parameter(...));
 *   this.norm = this.registerModule('norm', new LayerNorm(768));
 */
import { type DType, keep, share, type Tensor, toBackend } from '@setr-ts/tensor';
import { writeFileAtomic } from './io/atomic-write.js';
import { readSafetensors, type SafetensorsTensors, tensorsFromSafetensors, tensorsToSafetensors } from './io/safetensors.js';
import type { Parameter } from './parameter.js';
import { checkStateDict, type LoadResult } from './state-dict.js';

interface BufferSlot {
  tensor: Tensor | null;
  /** Non-persistent buffers are module state that is not saved (PyTorch's `persistent=False`). */
  readonly persistent: boolean;
  /** A checkpoint may lack it: loading then keeps the current value (BatchNorm's `num_batches_tracked`). */
  readonly optional: boolean;
}

/** What {@link Module.load} and {@link Module.loadBytes} return: the keys that did not match, and the file's metadata. */
export type LoadedFile = LoadResult & {
  /** The file's string metadata (as written by {@link Module.save}). */
  metadata: Record<string, string>;
};

/** Options of {@link Module.loadStateDict} and {@link Module.load}. */
export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys (default true). Mis-shaped keys are refused either way. */
  strict?: boolean;
}

/**
 * The base class of every layer and model (PyTorch `nn.Module`): a tree of named parameters, buffers and
 * child modules, with the state-dict, mode and checkpoint methods built on that tree. A subclass registers
 * its parts in the constructor and adds its own `forward`.
 * @example
 * class Mlp extends Module {
 *   readonly fc1 = this.registerModule('fc1', new Linear(768, 3072));
 *   readonly fc2 = this.registerModule('fc2', new Linear(3072, 768));
 *   forward(x: Variable): Variable {
 *     return this.fc2.forward(F.gelu(this.fc1.forward(x)));
 *   }
 * }
 * Object.keys(new Mlp().stateDict());   // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 */
export abstract class Module {
  /** Training mode (the default) or evaluation mode; Dropout, DropPath and BatchNorm behave differently. */
  training = true;
  private readonly params = new Map<string, Parameter | null>();
  private readonly bufs = new Map<string, BufferSlot>();
  private readonly mods = new Map<string, Module | null>();

  /** The class name, as PyTorch prints it. */
  get typeName(): string {
    return this.constructor.name;
  }

  private checkName(kind: string, name: string): void {
    if (name === '' || name.includes('.')) throw new Error(`${this.typeName}: ${kind} name '${name}' must be non-empty and contain no '.'`);
    if (this.params.has(name) || this.bufs.has(name) || this.mods.has(name))
      throw new Error(`${this.typeName}: '${name}' is already registered`);
  }

  /** Registers a parameter under `name` (null reserves the name, e.g. a disabled bias) and returns it. */
  registerParameter<P extends Parameter | null>(name: string, p: P): P {
    this.checkName('parameter', name);
    this.params.set(name, p);
    return p;
  }

  /**
   * Registers a buffer: a tensor saved in the state dict (unless `persistent` is false) but not
   * trained. The module owns it (it outlives `tidy` scopes). Read it with {@link getBuffer}, replace
   * it with {@link setBuffer}. An `optional` buffer may be absent from a checkpoint without counting
   * as a missing key (PyTorch's BatchNorm does this for `num_batches_tracked`, a counter older
   * checkpoints lack).
   */
  registerBuffer<T extends Tensor | null>(name: string, t: T, opts: { persistent?: boolean; optional?: boolean } = {}): T {
    this.checkName('buffer', name);
    this.bufs.set(name, { tensor: t && keep(t), persistent: opts.persistent ?? true, optional: opts.optional ?? false });
    return t;
  }

  /** Registers a child module under `name` and returns it. */
  registerModule<M extends Module | null>(name: string, m: M): M {
    this.checkName('module', name);
    this.mods.set(name, m);
    return m;
  }

  /** The buffer registered as `name`. */
  getBuffer(name: string): Tensor {
    const t = this.bufs.get(name)?.tensor;
    if (!t) throw new Error(`${this.typeName}: no buffer '${name}'`);
    return t;
  }

  /** Replaces a registered buffer (disposing the old tensor); the module takes ownership of `t`. */
  setBuffer(name: string, t: Tensor): void {
    const slot = this.bufs.get(name);
    if (!slot) throw new Error(`${this.typeName}: no buffer '${name}' to set (register it first)`);
    if (slot.tensor === t) return;
    slot.tensor?.dispose();
    slot.tensor = keep(t);
  }

  // ----- walking the tree -----

  /** Direct children with their names. */
  namedChildren(): [string, Module][] {
    return [...this.mods].filter((e): e is [string, Module] => e[1] !== null);
  }
  /** Direct child modules, in registration order (PyTorch `children()`). */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, depth-first in registration order, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this.namedChildren()) out.push(...m.namedModules(join(prefix, name)));
    return out;
  }
  /** This module and every descendant, depth-first in registration order (PyTorch `modules()`). */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Every parameter with its dotted name, each once even if shared (PyTorch's `named_parameters`).
   * @example for (const [name, p] of model.namedParameters()) console.log(name, p.shape);
   */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.params) {
        if (p && !seen.has(p)) {
          seen.add(p);
          out.push([join(prefix, name), p]);
        }
      }
    }
    return out;
  }
  /**
   * Every parameter of this module and its descendants, each once even if shared (PyTorch
   * `parameters()`): what an optimizer takes.
   * @example const opt = new AdamW(model.parameters(), { lr: 1e-4 });
   */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer with its dotted name (persistent or not). */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, slot] of m.bufs) if (slot.tensor) out.push([join(prefix, name), slot.tensor]);
    }
    return out;
  }
  /** Every buffer of this module and its descendants (persistent or not), in registration order. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /**
   * Number of parameter elements (each shared parameter once); `trainableOnly` counts only those that
   * require a gradient.
   * @example new Linear(768, 150).numParameters();   // 768·150 + 150 = 115350
   */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    return this.parameters().reduce((n, p) => n + (opts.trainableOnly && !p.requiresGrad ? 0 : p.size), 0);
  }

  // ----- modes and bulk operations -----

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Calls `fn` on every descendant and then on this module (children first, as PyTorch's `apply`);
   * the usual way to run a custom initialisation.
   * @example model.apply((m) => { if (m instanceof Linear) m.weight.assign(truncNormal(m.weight.shape, { std: 0.02 })); });
   */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Drops every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Converts every float parameter and buffer to `dtype` (int32 buffers stay), as PyTorch's `module.to(dtype)`. */
  to(dtype: DType): this {
    if (dtype === 'int32') throw new Error(`${this.typeName}.to: modules convert between float dtypes only, got ${dtype}`);
    for (const p of this.parameters()) if (p.dtype !== dtype) p.assign(p.data.to(dtype));
    for (const m of this.modules()) {
      for (const slot of m.bufs.values()) {
        const t = slot.tensor;
        if (t && t.dtype !== 'int32' && t.dtype !== dtype) {
          slot.tensor = keep(t.to(dtype));
          t.dispose();
        }
      }
    }
    return this;
  }

  /** Disposes every parameter (and its gradient) and buffer; the module is unusable afterwards. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const t of this.buffers()) t.dispose();
  }

  // ----- state dicts and checkpoints -----

  /**
   * The persistent state as a record of dotted name → tensor, PyTorch's `state_dict` order and names
   * (parameters and buffers of each module, then its children's). The tensors are new views (no
   * copy) that the caller owns and may dispose; they keep their values even if the module later
   * changes.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.params) if (p) out[join(prefix, name)] = share(p.data);
      for (const [name, slot] of m.bufs) {
        const t = slot.tensor;
        if (t && slot.persistent) out[join(prefix, name)] = share(t);
      }
    }
    return out;
  }

  /**
   * Copies values from `dict` into the parameters and buffers of the same names (PyTorch's
   * `load_state_dict`). Values are converted to each entry's dtype and backend; the dict stays the
   * caller's. Nothing is changed unless everything fits: an error lists ALL missing, unexpected and
   * mis-shaped keys at once. With `strict: false`, missing and unexpected keys are allowed and
   * returned. Optional buffers (see {@link registerBuffer}) absent from `dict` keep their values and
   * are not reported missing.
   * @example model.loadStateDict(await loadSafetensors('vit_base_patch16_384.safetensors'), { strict: false });
   */
  loadStateDict(dict: Record<string, Tensor>, opts: LoadStateDictOptions = {}): LoadResult {
    const targets = new Map<string, { current: Tensor; set: (t: Tensor) => void }>();
    const optional = new Set<string>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.params) if (p) targets.set(join(prefix, name), { current: p.data, set: (t) => p.assign(t) });
      for (const [name, slot] of m.bufs) {
        if (!slot.tensor || !slot.persistent) continue;
        targets.set(join(prefix, name), { current: slot.tensor, set: (t) => m.setBuffer(name, t) });
        if (slot.optional) optional.add(join(prefix, name));
      }
    }
    const shapes = new Map([...targets].map(([k, v]) => [k, v.current.shape]));
    const result = checkStateDict(this.typeName, shapes, dict, opts.strict ?? true, optional);
    for (const [key, { current, set }] of targets) {
      if (!Object.hasOwn(dict, key)) continue;
      // convert the dtype where the value is, then move it: the target backend may lack the source's
      // dtype (a float64 PyTorch checkpoint read on the CPU, loaded into a float32-only wasm model)
      const src = dict[key];
      const typed = src.dtype === current.dtype ? src : src.to(current.dtype);
      const moved = typed.backend === current.backend ? typed : toBackend(typed, current.backend);
      set(moved === src ? src.clone() : moved); // the module owns what it is given; the dict stays the caller's
      if (typed !== src && typed !== moved) typed.dispose();
    }
    return result;
  }

  /**
   * The state dict as the bytes of a safetensors file, with optional string metadata: what
   * {@link save} writes, for where there is no file system (a browser's IndexedDB, a download).
   * @example const bytes = await model.toBytes({ iter: '8000' });
   */
  async toBytes(metadata: Record<string, string> = {}): Promise<Uint8Array> {
    const state = this.stateDict();
    try {
      return await tensorsToSafetensors(state, metadata);
    } finally {
      for (const t of Object.values(state)) t.dispose();
    }
  }

  /**
   * Saves the state dict to a safetensors file (atomically), with optional string metadata.
   * @example await model.save('runs/setr/iter_8000.safetensors', { iter: '8000' });
   */
  async save(path: string, metadata: Record<string, string> = {}): Promise<void> {
    writeFileAtomic(path, await this.toBytes(metadata));
  }

  /**
   * Loads a safetensors file into this module (see {@link loadStateDict}); returns the keys that did
   * not match (only possible with `strict: false`) and the file's metadata.
   */
  async load(path: string, opts: LoadStateDictOptions = {}): Promise<LoadedFile> {
    // read into host memory (the reference backend holds every dtype); loadStateDict converts and moves
    return this.loadFile(await readSafetensors(path, { backend: 'reference' }), path, opts);
  }

  /**
   * {@link load} from a safetensors file's bytes (`source` names them in errors): what {@link toBytes}
   * gave, kept in a browser's IndexedDB or fetched.
   * @example model.loadBytes(await (await fetch(url)).bytes(), url);
   */
  loadBytes(bytes: Uint8Array, source: string, opts: LoadStateDictOptions = {}): LoadedFile {
    return this.loadFile(tensorsFromSafetensors(bytes, source, { backend: 'reference' }), source, opts);
  }

  private loadFile({ tensors, metadata }: SafetensorsTensors, source: string, opts: LoadStateDictOptions): LoadedFile {
    try {
      return { ...this.loadStateDict(tensors, opts), metadata };
    } catch (e) {
      throw new Error(`${(e as Error).message}\n  (loading ${source})`);
    } finally {
      for (const t of Object.values(tensors)) t.dispose();
    }
  }

  // ----- printing -----

  /** What goes between the parentheses when printed, e.g. `in_features=4, out_features=5, bias=true`. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch-style printout of the module tree. */
  toString(): string {
    const kids = this.namedChildren();
    if (kids.length === 0) return `${this.typeName}(${this.extraRepr()})`;
    const lines = kids.map(([n, m]) => `  (${n}): ${m.toString().split('\n').join('\n  ')}`);
    const extra = this.extraRepr();
    return `${this.typeName}(${extra ? `\n  ${extra}` : ''}\n${lines.join('\n')}\n)`;
  }
}

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);
