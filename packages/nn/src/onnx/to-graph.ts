/**
 * A trace replayed as an ONNX graph: each op call through its rule (op-rules.ts), each value named as
 * it is made, each parameter or buffer an initializer under its state-dict name (once, however often
 * it is read), and the graph's inputs and outputs under the names the caller gave them.
 */
import type { DType } from '@setr-ts/tensor';
import { GraphBuilder, type OnnxGraph } from './graph.js';
import { type RuleContext, ruleFor } from './op-rules.js';
import type { Operand, Trace } from './trace.js';

/**
 * The graph that computes what `trace` recorded, for the trace's input sizes.
 * @example traceToGraph(traceModule(net, { x }, ({ x }) => ({ y: net.forward(x) })), 'net').nodes.map((n) => n.opType)   // ['Conv', 'Relu']
 */
export function traceToGraph(trace: Trace, name: string): OnnxGraph {
  const b = new GraphBuilder(name);
  const values = new Map<number, string>();
  const nameOf = (o: Operand, numberType: DType): string => {
    if (o.kind === 'value') {
      const v = values.get(o.id);
      if (v === undefined) throw new Error(`traceToGraph: value ${o.id} is read before it is made`);
      return v;
    }
    if (o.kind === 'initializer') return b.initializer(o.name, o.tensor.dtype, o.tensor.shape, { tensor: o.tensor });
    if (o.kind === 'constant') return b.constant(o.dtype, o.shape, { array: o.array });
    return b.scalar(o.value, numberType);
  };
  for (const { name: inputName, value } of trace.inputs) {
    values.set(value.id, inputName);
    b.graph.inputs.push({ name: inputName, dtype: value.dtype, dims: value.shape });
  }
  for (const call of trace.ops) {
    b.path = call.path;
    const context: RuleContext = { b, call, name: (o) => nameOf(o, call.output.dtype) };
    values.set(call.output.id, ruleFor(call)(context));
  }
  b.path = '';
  const renamed = new Map<string, string>();
  for (const { name: outputName, operand } of trace.outputs) {
    if (operand.kind === 'number') throw new Error(`exportOnnx: output '${outputName}' is a number, not a tensor`);
    const inner = nameOf(operand, 'float32');
    const [dtype, dims] = operand.kind === 'initializer' ? [operand.tensor.dtype, operand.tensor.shape] : [operand.dtype, operand.shape];
    nameOutput(b, renamed, inner, outputName);
    b.graph.outputs.push({ name: outputName, dtype, dims });
  }
  return b.graph;
}

/**
 * Gives the value `inner` the output name `outer`: renamed where a node makes it (`renamed` remembers
 * that), else copied by an Identity node (an input or a weight returned as it is, or a value returned
 * a second time).
 */
function nameOutput(b: GraphBuilder, renamed: Map<string, string>, inner: string, outer: string): void {
  const g = b.graph;
  const earlier = renamed.get(inner);
  if (earlier !== undefined || !g.nodes.some((n) => n.outputs.includes(inner))) {
    g.nodes.push({ opType: 'Identity', inputs: [earlier ?? inner], outputs: [outer], name: `/${outer}/Identity`, attributes: {} });
    return;
  }
  renamed.set(inner, outer);
  const rename = (names: readonly string[]) => names.map((n) => (n === inner ? outer : n));
  for (const [i, n] of g.nodes.entries()) g.nodes[i] = { ...n, inputs: rename(n.inputs), outputs: rename(n.outputs) };
}
