/**
 * ONNX export: a module traced on example inputs (trace.ts), replayed as an ONNX graph through the op
 * table (to-graph.ts, op-rules.ts), made to follow the input's size where asked (dynamic-sizes.ts),
 * and written with the ONNX schema (model-proto.ts). The model is in evaluation mode: dropout off,
 * BatchNorm with its running statistics. onnxruntime, Netron and every other ONNX consumer read it.
 */
import type { Tensor } from '@setr-ts/tensor';
import { zeros } from '@setr-ts/tensor';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { Module } from '../module.js';
import { type DynamicAxis, makeDynamic, type Probe } from './dynamic-sizes.js';
import type { OnnxGraph } from './graph.js';
import { encodeModel } from './model-proto.js';
import { traceToGraph } from './to-graph.js';
import { type TracedForward, traceModule } from './trace.js';

/** A size that may change: its name in the model and the step it changes by (a ViT's patch size for H and W; 1 for the batch). */
export interface DynamicAxisOptions {
  /** ONNX's `dim_param`, e.g. `batch`, `height`. */
  name: string;
  /** The model accepts sizes that differ from the example's by multiples of this (default 1). */
  step?: number;
}

/** Options of {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** Example inputs by name: the graph's inputs get these names, dtypes and (but for dynamic axes) sizes. */
  inputs: Record<string, Tensor>;
  /** Runs the module on the inputs (as variables) and returns what to export, by output name. */
  forward: TracedForward;
  /**
   * Sizes that may change at run time: input name → axis → its name and step, e.g.
   * `{ images: { 0: { name: 'batch' }, 2: { name: 'height', step: 16 }, 3: { name: 'width', step: 16 } } }`.
   * The module is then also traced at sizes one step larger (see dynamic-sizes.ts).
   */
  dynamicAxes?: Record<string, Record<number, DynamicAxisOptions>>;
  /** The graph's name (default: the module's class name). */
  name?: string;
  /** A description stored in the model. */
  docString?: string;
}

/**
 * The module as an ONNX model (opset 17): its ops as nodes, its parameters and buffers as
 * initializers under their state-dict names, the inputs and outputs under the given names. An op
 * without an ONNX mapping is an error naming the op and the module that called it.
 * @example
 * const bytes = exportOnnx(net, { inputs: { x: randn([1, 3, 32, 32]) }, forward: ({ x }) => ({ y: net.forward(x) }) });
 * // onnxruntime runs it: (await InferenceSession.create(bytes)).run({ x }) gives { y }
 */
export function exportOnnx(module: Module, options: OnnxExportOptions): Uint8Array {
  const name = options.name ?? module.typeName;
  const graphAt = (inputs: Record<string, Tensor>) => traceToGraph(traceModule(module, inputs, options.forward), name);
  const axes = dynamicAxes(options);
  const graph = axes.length === 0 ? graphAt(options.inputs) : makeDynamic(axes, probe(options.inputs, axes, graphAt));
  return encodeModel(graph, { producerName: '@setr-ts/nn', docString: options.docString });
}

/**
 * {@link exportOnnx}, written to `path` (atomically).
 * @example saveOnnx('model.onnx', net, { inputs: { x }, forward: ({ x }) => ({ y: net.forward(x) }) });
 */
export function saveOnnx(path: string, module: Module, options: OnnxExportOptions): void {
  writeFileAtomic(path, exportOnnx(module, options));
}

/** The dynamic axes in order, each checked against its input. */
function dynamicAxes(options: OnnxExportOptions): (DynamicAxis & { step: number })[] {
  const out: (DynamicAxis & { step: number })[] = [];
  for (const [input, axes] of Object.entries(options.dynamicAxes ?? {})) {
    const t = options.inputs[input];
    if (t === undefined)
      throw new Error(
        `exportOnnx: dynamicAxes names input '${input}', which is not among the inputs (${Object.keys(options.inputs).join(', ')})`,
      );
    for (const [key, { name, step = 1 }] of Object.entries(axes)) {
      const axis = Number(key);
      if (!(Number.isInteger(axis) && axis >= 0 && axis < t.rank))
        throw new Error(`exportOnnx: dynamic axis ${key} of input '${input}' is not an axis of its shape [${t.shape.join(',')}]`);
      if (!(Number.isInteger(step) && step >= 1))
        throw new Error(`exportOnnx: the step of dynamic axis '${name}' must be a positive integer, got ${step}`);
      out.push({ input, axis, name, step });
    }
  }
  return out;
}

/**
 * The graphs for the probes of dynamic-sizes.ts: at the example's sizes, with each axis one step
 * larger, and with all of them larger.
 */
function probe(
  inputs: Record<string, Tensor>,
  axes: readonly (DynamicAxis & { step: number })[],
  graphAt: (inputs: Record<string, Tensor>) => OnnxGraph,
): Probe[] {
  const steps = axes.map((a) => a.step);
  const plans = [steps.map(() => 0), ...steps.map((_, i) => steps.map((s, j) => (i === j ? s : 0))), steps];
  return plans.map((grow) => {
    const grown = grownInputs(inputs, axes, grow);
    try {
      return { sizes: axes.map((a) => grown[a.input].shape[a.axis]), graph: graphAt(grown) };
    } finally {
      for (const [k, t] of Object.entries(grown)) if (t !== inputs[k]) t.dispose();
    }
  });
}

/** The inputs with each dynamic axis `grow[i]` larger (new zero tensors where an input grows, the same tensor elsewhere). */
function grownInputs(inputs: Record<string, Tensor>, axes: readonly DynamicAxis[], grow: readonly number[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(inputs)) {
    const shape = t.shape.map((n, k) => n + axes.reduce((sum, a, i) => sum + (a.input === name && a.axis === k ? grow[i] : 0), 0));
    out[name] = shape.every((n, k) => n === t.shape[k]) ? t : zeros(shape, { dtype: t.dtype, backend: t.backend });
  }
  return out;
}
