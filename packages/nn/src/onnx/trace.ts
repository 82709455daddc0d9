/**
 * The tracer: run a module's forward pass once on example inputs and write down every op call —
 * which op, on what, with which arguments, in which module — as a list (a {@link Trace}). An ONNX
 * graph is then a replay of that list (to-graph.ts). This is how PyTorch's `torch.jit.trace` sees a
 * model, and it has the same limit: the trace is one path through the code, for the example's sizes;
 * Python-side (here: JavaScript-side) branches are not recorded, only the ops they led to.
 *
 * It lives in nn, not autograd: autograd only lets an observer watch the ops (`observeOps`); naming
 * what the ops read needs modules — a parameter is `decode_head.conv_seg.weight` because of the module
 * tree — and so does the module path in every node's name and in every error.
 *
 * What an op reads is one of: a value of the graph (an input, or an earlier op's result), a module's
 * parameter or buffer (an initializer under its state-dict name), a constant tensor (copied: tensors
 * made by code between ops, such as a reshaped buffer, are recorded as constants, as torch.jit.trace
 * does), or a number.
 */
import { isVariable, noGrad, type OpObserver, observeOps, type Variable, type VariableLike, variable } from '@setr-ts/autograd';
import { type DType, Tensor, type TypedArray, tidy } from '@setr-ts/tensor';
import type { Module } from '../module.js';

/** Something an op reads. */
export type Operand =
  /** A graph input or an earlier op's result (ids count from 0 in the order they appear). */
  | { readonly kind: 'value'; readonly id: number; readonly shape: readonly number[]; readonly dtype: DType }
  /** A parameter or buffer of the module, by its state-dict name; read when the model is written. */
  | { readonly kind: 'initializer'; readonly name: string; readonly tensor: Tensor }
  /** Any other tensor: a copy of its values. */
  | { readonly kind: 'constant'; readonly array: TypedArray; readonly shape: readonly number[]; readonly dtype: DType }
  /** A number operand (`x.mul(0.5)`). */
  | { readonly kind: 'number'; readonly value: number };

/** One op call of the forward pass. */
export interface TracedOp {
  /** The op's name (`conv2d`, `layerNorm`, `batchNorm`, …). */
  readonly op: string;
  /** The dotted path of the module whose forward made the call ('' for the root). */
  readonly path: string;
  readonly inputs: readonly Operand[];
  /** The op's other arguments; tensors among them (where's mask, gather's index) are constant operands. */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** The result, a new value. */
  readonly output: Extract<Operand, { kind: 'value' }>;
}

/** A forward pass written down: the inputs, the op calls in order, and the named outputs. */
export interface Trace {
  readonly inputs: readonly { readonly name: string; readonly value: Extract<Operand, { kind: 'value' }> }[];
  readonly ops: readonly TracedOp[];
  readonly outputs: readonly { readonly name: string; readonly operand: Operand }[];
}

/** Runs the module on named inputs and returns named outputs: what gets traced. */
export type TracedForward = (inputs: Record<string, Variable>) => Record<string, Variable>;

/**
 * Traces `forward` (which runs `module`) on `inputs`, in evaluation mode and without recording
 * gradients; the module's modes are restored afterwards.
 * @example traceModule(net, { x: randn([1, 3, 8, 8]) }, ({ x }) => ({ y: net.forward(x) })).ops.map((o) => o.op)   // ['conv2d', 'relu']
 */
export function traceModule(module: Module, inputs: Record<string, Tensor>, forward: TracedForward): Trace {
  const modes = module.modules().map((m) => [m, m.training] as const);
  const paths = [''];
  const leave = enterModules(module, paths);
  const recorder = new Recorder(module);
  module.eval();
  try {
    return tidy(() =>
      noGrad(() => {
        const vars: Record<string, Variable> = {};
        const traced: Trace['inputs'][number][] = [];
        for (const [name, t] of Object.entries(inputs)) {
          vars[name] = variable(t);
          traced.push({ name, value: recorder.newValue(vars[name]) });
        }
        const outs = observeOps(recorder.observer(paths), () => forward(vars));
        return {
          inputs: traced,
          ops: recorder.ops,
          outputs: Object.entries(outs).map(([name, v]) => ({ name, operand: recorder.operand(v) })),
        };
      }),
    );
  } finally {
    leave();
    for (const [m, training] of modes) m.training = training;
  }
}

/** Turns what ops see into operands, numbering the values. */
class Recorder {
  readonly ops: TracedOp[] = [];
  private readonly ids = new Map<Variable, number>();
  private readonly params: Map<unknown, string>;
  private readonly buffers: Map<unknown, string>;

  constructor(module: Module) {
    this.params = new Map(module.namedParameters().map(([name, p]) => [p, name]));
    this.buffers = new Map(module.namedBuffers().map(([name, t]) => [t, name]));
  }

  /** Registers `v` as a new value of the graph. */
  newValue(v: Variable): Extract<Operand, { kind: 'value' }> {
    const id = this.ids.size;
    this.ids.set(v, id);
    return { kind: 'value', id, shape: [...v.shape], dtype: v.dtype };
  }

  operand(x: VariableLike): Operand {
    if (typeof x === 'number') return { kind: 'number', value: x };
    if (isVariable(x)) {
      const id = this.ids.get(x);
      if (id !== undefined) return { kind: 'value', id, shape: [...x.shape], dtype: x.dtype };
      const name = this.params.get(x);
      if (name !== undefined) return { kind: 'initializer', name, tensor: x.data };
      return this.constant(x.data);
    }
    const name = this.buffers.get(x);
    return name !== undefined ? { kind: 'initializer', name, tensor: x } : this.constant(x);
  }

  private constant(t: Tensor): Operand {
    return { kind: 'constant', array: t.dataSync(), shape: [...t.shape], dtype: t.dtype };
  }

  /** The observer that writes each call down, with the module path on top of `paths`. */
  observer(paths: readonly string[]): OpObserver {
    return (call) => {
      const inputs = call.inputs.map((x) => this.operand(x));
      const attrs = Object.fromEntries(Object.entries(call.attrs).map(([k, v]) => [k, v instanceof Tensor ? this.operand(v) : v]));
      this.ops.push({ op: call.op, path: paths[paths.length - 1], inputs, attrs, output: this.newValue(call.output) });
    };
  }
}

/**
 * Makes every `forward…` method of every module push its dotted path while it runs (an own property
 * over the prototype's method); returns the function that takes them away again.
 */
function enterModules(root: Module, paths: string[]): () => void {
  const undo: (() => void)[] = [];
  const seen = new Set<Module>();
  for (const [path, m] of root.namedModules()) {
    if (seen.has(m)) continue; // a shared module keeps its first path
    seen.add(m);
    const methods = m as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const key of forwardMethods(m)) {
      const original = methods[key];
      methods[key] = (...args: unknown[]) => {
        paths.push(path);
        try {
          return original.apply(m, args);
        } finally {
          paths.pop();
        }
      };
      undo.push(() => delete methods[key]);
    }
  }
  return () => {
    for (const f of undo) f();
  };
}

/** The names of the methods starting with `forward` that `m` inherits (and does not hold itself). */
function forwardMethods(m: Module): string[] {
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(m); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key.startsWith('forward') && typeof proto[key] === 'function' && !Object.hasOwn(m, key)) names.add(key);
    }
  }
  return [...names];
}
