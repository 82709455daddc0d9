/**
 * An ONNX graph while it is being built: nodes in execution order, initializers (the weights and other
 * constants), and the named inputs and outputs. Plain data, written to protobuf only at the end
 * (model-proto.ts), so that two builds can be compared (dynamic-sizes.ts) before anything is encoded.
 *
 * ONNX names every value with a string. Nodes are named after the module that ran them, as PyTorch's
 * exporter does (`/decode_head/conv_seg/Conv_41`), their outputs after the node (`…/Conv_41_output_0`),
 * and initializers after the parameter or buffer they hold (`decode_head.conv_seg.weight`), so Netron
 * shows where every piece came from.
 */
import type { DType, Tensor } from '@setr-ts/tensor';

/** The element types used here: the tensor package's, and ONNX's int64 (sizes, axes) and bool (masks). */
export type OnnxDType = DType | 'int64' | 'bool';

/** A node attribute, tagged with its ONNX type (ints and floats are different attribute types). */
export type Attribute =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly string: string }
  /** An element type (Cast's `to`), written as ONNX's enum value. */
  | { readonly dtype: OnnxDType };

/** One operator application. */
export interface OnnxNode {
  readonly opType: string;
  /** Value names, in the operator's input order; '' for an optional input left out. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attributes: Readonly<Record<string, Attribute>>;
}

/** Where an initializer's values come from. */
export type InitializerValues =
  /** A module's parameter or buffer, read when the model is written (not copied before). */
  | { readonly tensor: Tensor }
  /** A copy of a constant the forward pass made, or a literal. */
  | { readonly array: Float32Array | Float64Array | Int32Array | Uint8Array }
  /** int64 sizes and indices (a Reshape's shape, a Slice's ends): the values an input's size may change. */
  | { readonly sizes: readonly number[] };

/** A constant tensor of the graph. */
export interface Initializer {
  readonly name: string;
  readonly dtype: OnnxDType;
  readonly dims: readonly number[];
  readonly values: InitializerValues;
}

/** A graph input or output: a name, an element type, and sizes (a number, or a name for a size that varies). */
export interface ValueInfo {
  readonly name: string;
  readonly dtype: OnnxDType;
  readonly dims: readonly (number | string)[];
}

/** A whole graph. */
export interface OnnxGraph {
  readonly name: string;
  readonly nodes: OnnxNode[];
  readonly initializers: Initializer[];
  readonly inputs: ValueInfo[];
  readonly outputs: ValueInfo[];
}

/**
 * Appends nodes and initializers to a graph, making the names. `path` is the module the next nodes
 * belong to (the tracer sets it as it replays each op).
 * @example
 * const b = new GraphBuilder('tiny');
 * const y = b.node('Relu', ['x']);   // '/Relu_0_output_0'
 */
export class GraphBuilder {
  readonly graph: OnnxGraph;
  /** The dotted module path of the op being written ('' for the root module). */
  path = '';
  private count = 0;
  private readonly named = new Set<string>();

  constructor(name: string) {
    this.graph = { name, nodes: [], initializers: [], inputs: [], outputs: [] };
  }

  /** Appends a node; returns its output names (`outputs` of them). */
  nodes(opType: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, outputs = 1): string[] {
    const name = `/${this.path ? `${this.path.split('.').join('/')}/` : ''}${opType}_${this.count++}`;
    const outs = Array.from({ length: outputs }, (_, i) => `${name}_output_${i}`);
    this.graph.nodes.push({ opType, inputs, outputs: outs, name, attributes });
    return outs;
  }

  /** Appends a node with one output and returns that output's name. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}): string {
    return this.nodes(opType, inputs, attributes)[0];
  }

  /** Adds an initializer under `name` (once: a second call with the same name returns it unchanged). */
  initializer(name: string, dtype: OnnxDType, dims: readonly number[], values: InitializerValues): string {
    if (this.named.has(name)) return name;
    this.named.add(name);
    this.graph.initializers.push({ name, dtype, dims, values });
    return name;
  }

  /** A new constant under a generated name, for the module being written. */
  constant(dtype: OnnxDType, dims: readonly number[], values: InitializerValues): string {
    return this.initializer(`${this.path ? `${this.path}.` : ''}constant_${this.count++}`, dtype, dims, values);
  }

  /** A 1-D int64 constant of sizes or indices (see {@link InitializerValues}). */
  sizes(values: readonly number[]): string {
    return this.constant('int64', [values.length], { sizes: values });
  }

  /** A rank-0 constant `value` of a float or int32 `dtype`. */
  scalar(value: number, dtype: OnnxDType): string {
    return this.constant(dtype, [], { array: typedArrayOf(dtype, [value]) });
  }
}

/** `values` in the typed array that holds `dtype` (int64 and bool are not kept this way). */
export function typedArrayOf(dtype: OnnxDType, values: readonly number[]): Float32Array | Float64Array | Int32Array | Uint8Array {
  if (dtype === 'float32') return Float32Array.from(values);
  if (dtype === 'float64') return Float64Array.from(values);
  if (dtype === 'int32') return Int32Array.from(values);
  if (dtype === 'bool') return Uint8Array.from(values, (v) => (v ? 1 : 0));
  throw new Error(`typedArrayOf: int64 values are kept as sizes, not ${dtype} arrays`);
}
