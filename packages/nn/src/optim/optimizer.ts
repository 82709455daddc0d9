/**
 * The Optimizer base: parameter groups with their own hyper-parameters, per-parameter state, and a
 * state dict in PyTorch's shape (parameters numbered in group order), so that a resumed run continues
 * exactly where it stopped. Subclasses implement `update`: one parameter's step.
 */
import { keep, shapesEqual, share, type Tensor, tidy, toBackend, withPhase } from '@setr-ts/tensor';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readSafetensors, type SafetensorsTensors, tensorsFromSafetensors, tensorsToSafetensors } from '../io/safetensors.js';
import type { Parameter } from '../parameter.js';

/** Hyper-parameters every optimizer has; each subclass adds its own (momentum, betas, ...). */
export interface BaseHyper {
  /** Learning rate: the step size (a scheduler changes it per group as training goes). */
  lr: number;
  /** Weight decay λ: coupled L2 in SGD, decoupled shrinkage in AdamW. */
  weightDecay: number;
}

/** A hyper-parameter's value: numbers, flags and pairs such as AdamW's betas. */
export type HyperValue = number | boolean | readonly number[];

/** A group of parameters as given to a constructor: any hyper-parameter left out takes the default. */
export type ParamGroupInput<H> = {
  /** The group's parameters; a parameter may belong to one group only. */
  params: Iterable<Parameter>;
} & Partial<H>;

/** A group as the optimizer holds it; schedulers change `lr` here. */
export type ParamGroup<H> = H & {
  /** The group's parameters, in the order given. */
  params: Parameter[];
};

/** One parameter's state: tensors (momentum buffers, moment estimates) and numbers (step counts). */
export type ParamState = Record<string, Tensor | number>;

/**
 * An optimizer's state in PyTorch's layout: `state[i]` belongs to the i-th parameter counting through
 * the groups in order, and each group lists its hyper-parameters and the indices of its parameters.
 */
export interface OptimizerStateDict {
  /** Per-parameter state by global parameter index; parameters without state (no step yet) are absent. */
  state: Record<number, ParamState>;
  /** Each group's hyper-parameters, and the global indices of its parameters. */
  paramGroups: (Record<string, HyperValue> & {
    /** Global indices of the group's parameters (counting through the groups in order). */
    params: number[];
  })[];
}

/** The metadata key under which `save` stores the non-tensor part of the state dict. */
const META_KEY = 'setr-ts.optimizer';

/**
 * The base of every optimizer (PyTorch `torch.optim.Optimizer`): holds parameter groups and per-parameter
 * state, and runs `step`, `zeroGrad`, `stateDict`, `loadStateDict` and checkpoints; a subclass supplies
 * the update rule (see {@link SGD}, {@link AdamW}).
 */
export abstract class Optimizer<H extends BaseHyper> {
  /** The groups with their current hyper-parameters; set `paramGroups[i].lr` to change a learning rate by hand. */
  readonly paramGroups: ParamGroup<H>[];
  private readonly state = new Map<Parameter, ParamState>();

  /**
   * @param params parameters, or groups `{ params, ...overrides }` whose hyper-parameters override `defaults`
   * @param defaults every hyper-parameter, already merged with the subclass's defaults
   */
  protected constructor(params: Iterable<Parameter> | readonly ParamGroupInput<H>[], defaults: H) {
    const list = [...params] as (Parameter | ParamGroupInput<H>)[];
    const isGroups = list.length > 0 && 'params' in list[0];
    if (list.some((g) => 'params' in g !== isGroups))
      throw new Error(`${this.constructor.name}: give either parameters or parameter groups, not a mix`);
    const groups = isGroups ? (list as ParamGroupInput<H>[]) : [{ params: list as Parameter[] } as unknown as ParamGroupInput<H>];
    const seen = new Set<Parameter>();
    this.paramGroups = groups.map((g, i) => {
      const group = { ...defaults, ...g, params: [...g.params] } as ParamGroup<H>;
      if (group.params.length === 0) throw new Error(`${this.constructor.name}: parameter group ${i} is empty`);
      for (const p of group.params) {
        if (seen.has(p)) throw new Error(`${this.constructor.name}: a parameter appears in more than one group (group ${i})`);
        seen.add(p);
      }
      this.checkHyper(group);
      return group;
    });
  }

  /** Throws if a group's hyper-parameters are invalid, naming the optimizer and the value. */
  protected checkHyper(h: H): void {
    if (!(h.lr >= 0)) throw new Error(`${this.constructor.name}: invalid learning rate ${h.lr}`);
    if (!(h.weightDecay >= 0)) throw new Error(`${this.constructor.name}: invalid weight decay ${h.weightDecay}`);
  }

  /**
   * One parameter's step: from its value, gradient, state and its group's hyper-parameters, the new
   * value and the new state. Runs inside `tidy`, so temporaries need no disposing; returned tensors
   * are kept, and the old value and state tensors are disposed after.
   */
  protected abstract update(
    value: Tensor,
    grad: Tensor,
    state: Readonly<ParamState>,
    h: H,
  ): {
    /** The parameter's new value. */
    value: Tensor;
    /** The parameter's new state. */
    state: ParamState;
  };

  /**
   * Updates every parameter that has a gradient (parameters without one, or frozen, are skipped, as in
   * PyTorch). Call after `backward()`.
   * @example loss.backward(); opt.step(); opt.zeroGrad();
   */
  step(): void {
    withPhase('optimizer', () => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.grad || !p.requiresGrad) continue;
          const grad = p.grad;
          const old = this.state.get(p) ?? {};
          const next = tidy(() => this.update(p.data, grad, old, group));
          p.assign(next.value);
          this.setState(p, next.state);
        }
      }
    });
  }

  /** Replaces a parameter's state, keeping the new tensors and disposing the old ones not carried over. */
  private setState(p: Parameter, next: ParamState): void {
    const old = this.state.get(p) ?? {};
    for (const v of Object.values(next)) if (typeof v !== 'number') keep(v);
    for (const [k, v] of Object.entries(old)) if (typeof v !== 'number' && next[k] !== v) v.dispose();
    this.state.set(p, next);
  }

  /** Drops every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.zeroGrad();
  }

  private allParams(): Parameter[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /**
   * The state in PyTorch's layout. Tensors are new views (no copy) that the caller owns.
   * @example const sd = opt.stateDict();   // sd.state[0].momentum_buffer, sd.paramGroups[1].lr
   */
  stateDict(): OptimizerStateDict {
    const index = new Map(this.allParams().map((p, i) => [p, i]));
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p) as number;
      state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : share(v)]));
    }
    const paramGroups = this.paramGroups.map(({ params, ...hyper }) => ({
      ...(hyper as unknown as Record<string, HyperValue>),
      params: params.map((p) => index.get(p) as number),
    }));
    return { state, paramGroups };
  }

  /**
   * Restores a state dict taken from an optimizer over the same parameters (same groups, same sizes,
   * same shapes): hyper-parameters (the lr included) and per-parameter state. Tensors are copied; the
   * dict stays the caller's. Nothing changes unless everything fits.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new Error(
        `${name}.loadStateDict: the state has ${sd.paramGroups.length} parameter groups, this optimizer ${this.paramGroups.length}`,
      );
    }
    const params = this.allParams();
    const problems: string[] = [];
    sd.paramGroups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length)
        problems.push(`group ${i} has ${g.params.length} parameters in the state, ${this.paramGroups[i].params.length} here`);
    });
    for (const [i, s] of Object.entries(sd.state)) {
      const p = params[Number(i)];
      if (!p) {
        problems.push(`state for parameter ${i}, but there are only ${params.length}`);
        continue;
      }
      for (const [k, v] of Object.entries(s)) {
        if (typeof v !== 'number' && !shapesEqual(v.shape, p.shape))
          problems.push(`state ${i}.${k} is [${v.shape.join(',')}], parameter ${i} is [${p.shape.join(',')}]`);
      }
    }
    if (problems.length > 0) throw new Error(`${name}.loadStateDict: the state does not fit this optimizer:\n  ${problems.join('\n  ')}`);
    sd.paramGroups.forEach(({ params: _, ...hyper }, i) => {
      Object.assign(this.paramGroups[i], hyper);
    });
    const copies = new Map<Parameter, ParamState>();
    for (const [i, s] of Object.entries(sd.state)) {
      const p = params[Number(i)];
      copies.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : copyTo(v, p.data)])));
    }
    for (const p of params) {
      this.setState(p, copies.get(p) ?? {});
      if (!copies.has(p)) this.state.delete(p);
    }
  }

  /**
   * The state dict as the bytes of a safetensors file: tensors as `state.<i>.<name>`, the rest as
   * JSON in the metadata. What {@link save} writes, for where there is no file system.
   * @example const bytes = await opt.toBytes();
   */
  async toBytes(): Promise<Uint8Array> {
    const sd = this.stateDict();
    const tensors: Record<string, Tensor> = {};
    const scalars: Record<string, Record<string, number>> = {};
    for (const [i, s] of Object.entries(sd.state)) {
      for (const [k, v] of Object.entries(s)) {
        if (typeof v !== 'number') tensors[`state.${i}.${k}`] = v;
        else scalars[i] = { ...scalars[i], [k]: v };
      }
    }
    try {
      return await tensorsToSafetensors(tensors, {
        [META_KEY]: JSON.stringify({ optimizer: this.constructor.name, paramGroups: sd.paramGroups, scalars }),
      });
    } finally {
      for (const t of Object.values(tensors)) t.dispose();
    }
  }

  /**
   * Saves the state dict to a safetensors file (atomically): see {@link toBytes}.
   * @example await opt.save('runs/setr/iter_8000.optim.safetensors');
   */
  async save(path: string): Promise<void> {
    writeFileAtomic(path, await this.toBytes());
  }

  /** Loads a file written by {@link save} (see {@link loadStateDict}). */
  async load(path: string): Promise<void> {
    this.loadFile(await readSafetensors(path), path);
  }

  /** {@link load} from the bytes {@link toBytes} gave (`source` names them in errors). */
  loadBytes(bytes: Uint8Array, source: string): void {
    this.loadFile(tensorsFromSafetensors(bytes, source), source);
  }

  private loadFile({ tensors, metadata }: SafetensorsTensors, path: string): void {
    try {
      const meta = metadata[META_KEY];
      if (meta === undefined)
        throw new Error(`${this.constructor.name}.load: ${path} holds no optimizer state (no '${META_KEY}' metadata)`);
      const { optimizer, paramGroups, scalars } = JSON.parse(meta) as {
        optimizer: string;
        paramGroups: OptimizerStateDict['paramGroups'];
        scalars: Record<string, Record<string, number>>;
      };
      if (optimizer !== this.constructor.name) throw new Error(`${this.constructor.name}.load: ${path} holds the state of a ${optimizer}`);
      const state: Record<number, ParamState> = {};
      for (const [i, s] of Object.entries(scalars)) state[Number(i)] = { ...s };
      for (const [key, t] of Object.entries(tensors)) {
        const m = /^state\.(\d+)\.(.+)$/.exec(key);
        if (!m) throw new Error(`${this.constructor.name}.load: unexpected tensor '${key}' in ${path}`);
        state[Number(m[1])] = { ...state[Number(m[1])], [m[2]]: t };
      }
      this.loadStateDict({ state, paramGroups });
    } finally {
      for (const t of Object.values(tensors)) t.dispose();
    }
  }
}

/** A copy of `t` with `like`'s backend and dtype. */
function copyTo(t: Tensor, like: Tensor): Tensor {
  return tidy(() => {
    const moved = t.backend === like.backend ? t : toBackend(t, like.backend);
    return moved.dtype === like.dtype ? moved.clone() : moved.to(like.dtype);
  });
}
