/**
 * Writing a graph as an ONNX file: a `ModelProto` (IR version 8, opset 17) encoded by protobufjs with
 * the ONNX schema's generated code (the `onnx-proto` package, built from onnx.proto). Nothing of the
 * wire format is written by hand. Every tensor is stored as `raw_data`, little-endian, which is what
 * the schema asks of raw data and what JavaScript's typed arrays hold on every platform Node runs on.
 */
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import type { Attribute, Initializer, OnnxDType, OnnxGraph, OnnxNode, ValueInfo } from './graph.js';

const { onnx } = onnxProto;
type Message<T> = Exclude<T, null | undefined>;

/** The opset the rules write (op-rules.ts): the newest that Debian's onnx 1.12 checks. */
export const OPSET_VERSION = 17;

const DATA_TYPES: Record<OnnxDType, Onnx.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** What goes into the model besides the graph. */
export interface ModelInfo {
  /** The writing program (ONNX's `producer_name`). */
  producerName: string;
  /** A free-text description (ONNX's `doc_string`). */
  docString?: string;
}

/**
 * The bytes of an ONNX model holding `graph`.
 * @example writeFileSync('model.onnx', encodeModel(graph, { producerName: 'setr-ts' }));
 */
export function encodeModel(graph: OnnxGraph, info: ModelInfo): Uint8Array {
  const model: Onnx.IModelProto = {
    irVersion: onnx.Version.IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: info.producerName,
    docString: info.docString ?? '',
    graph: {
      name: graph.name,
      node: graph.nodes.map(nodeProto),
      initializer: graph.initializers.map(tensorProto),
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

function nodeProto(n: OnnxNode): Message<Onnx.INodeProto> {
  return {
    name: n.name,
    opType: n.opType,
    input: [...n.inputs],
    output: [...n.outputs],
    attribute: Object.entries(n.attributes).map(([name, a]) => attributeProto(name, a)),
  };
}

function attributeProto(name: string, a: Attribute): Message<Onnx.IAttributeProto> {
  const type = onnx.AttributeProto.AttributeType;
  if ('int' in a) return { name, type: type.INT, i: a.int };
  if ('float' in a) return { name, type: type.FLOAT, f: a.float };
  if ('ints' in a) return { name, type: type.INTS, ints: [...a.ints] };
  if ('dtype' in a) return { name, type: type.INT, i: DATA_TYPES[a.dtype] };
  return { name, type: type.STRING, s: new TextEncoder().encode(a.string) };
}

function tensorProto(t: Initializer): Message<Onnx.ITensorProto> {
  return { name: t.name, dataType: DATA_TYPES[t.dtype], dims: [...t.dims], rawData: rawBytes(t) };
}

/** An initializer's values as little-endian bytes (a parameter is read from its tensor only now). */
function rawBytes(t: Initializer): Uint8Array {
  const v = t.values;
  const array = 'tensor' in v ? v.tensor.dataSync() : 'array' in v ? v.array : BigInt64Array.from(v.sizes, (n) => BigInt(n));
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function valueInfoProto(v: ValueInfo): Message<Onnx.IValueInfoProto> {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: DATA_TYPES[v.dtype],
        shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
