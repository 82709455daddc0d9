/** Structural modules: Identity (a placeholder), and the containers Sequential and ModuleList. */
import type { Variable } from '@setr-ts/autograd';
import { Module } from '../module.js';

/** A module that maps one variable to one variable: what Sequential chains. */
export interface Layer extends Module {
  /** Computes the module's output from `x`; recorded for autograd when `x` requires a gradient. */
  forward(x: Variable): Variable;
}

/** Returns its input (PyTorch's `nn.Identity`): a placeholder where a layer is optional. */
export class Identity extends Module {
  /** Returns `x` unchanged (the same object). */
  forward(x: Variable): Variable {
    return x;
  }
}

/**
 * A list of modules registered as children `0`, `1`, ... (PyTorch's `nn.ModuleList`): how a ViT holds
 * its blocks, so their parameters are named `blocks.0.attn.qkv.weight` and so on.
 * @example const blocks = new ModuleList(Array.from({ length: 12 }, () => new Block(768)));
 */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  /** Adds a module at the end, registered under the next index. */
  append(m: M): this {
    this.items.push(this.registerModule(String(this.items.length), m));
    return this;
  }
  /** The module at `i` (negative counts from the end). */
  at(i: number): M {
    const m = this.items.at(i);
    if (!m) throw new Error(`${this.typeName}: index ${i} is out of range for ${this.items.length} modules`);
    return m;
  }
  /** How many modules the list holds. */
  get length(): number {
    return this.items.length;
  }
  /** Iterates over the modules in index order: `for (const block of blocks) x = block.forward(x);`. */
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}

/**
 * Applies its layers in order (PyTorch's `nn.Sequential`); children are named `0`, `1`, ...
 * @example new Sequential(new Conv2d(256, 256, 3, { padding: 1 }), new BatchNorm2d(256), new ReLU())
 */
export class Sequential extends ModuleList<Layer> {
  constructor(...layers: Layer[]) {
    super(layers);
  }
  /** Feeds `x` through every layer in order, each layer's output the next one's input. */
  forward(x: Variable): Variable {
    let y = x;
    for (const layer of this) y = layer.forward(y);
    return y;
  }
}
