/**
 * Sizes that follow the input: making a traced graph work for other batch sizes and image sizes.
 *
 * A trace sees numbers, not formulas: `reshape([b, d, h, w])` records 2, 128, 12, 16, not B, D, H/8,
 * W/8. So the model is traced once more for each dynamic axis with that axis one `step` larger, and
 * once with all of them larger; the graphs must then be the same but for int64 sizes (Reshape's shape,
 * Expand's shape, Slice's ends, Resize's sizes). Each size that changes is fitted to
 *
 *   size = num/den · (product of the input sizes it changed with) + offset
 *
 * — `B`, `H/16`, `H·W/256 + 1` are all of this form — from the probes, checked on every probe, and then
 * computed in the graph from the input's runtime shape (Shape, Gather, Mul, Div, Add on int64) instead
 * of stored. A size of another form, or a graph whose nodes differ between the probes (the code took
 * another branch at another size), is an error that names the node.
 */
import type { Initializer, OnnxGraph, OnnxNode } from './graph.js';

/** An input axis whose size may change. */
export interface DynamicAxis {
  /** The graph input's name. */
  readonly input: string;
  readonly axis: number;
  /** Its name in the model (ONNX's `dim_param`), e.g. `batch`. */
  readonly name: string;
}

/** A graph traced at one assignment of sizes to the dynamic axes. */
export interface Probe {
  /** The size of each dynamic axis, in the order of the axes. */
  readonly sizes: readonly number[];
  readonly graph: OnnxGraph;
}

/** num/den · Π sizes[factors] + offset. */
interface SizeFormula {
  /** Indices into the dynamic axes. */
  readonly factors: readonly number[];
  readonly num: number;
  readonly den: number;
  readonly offset: number;
}

/**
 * `probes[0]`'s graph with every size that depends on a dynamic axis computed from the input's shape.
 * `probes` are: the base, then one per axis with only that axis changed, then one with every axis changed.
 */
export function makeDynamic(axes: readonly DynamicAxis[], probes: readonly Probe[]): OnnxGraph {
  const [base, ...others] = probes;
  for (const p of others) sameStructure(base.graph, p.graph);
  const sizes = probes.map((p) => p.sizes);
  const writer = new FormulaWriter(axes);
  const initializers: Initializer[] = [];
  for (const [i, init] of base.graph.initializers.entries()) {
    const across = probes.map((p) => p.graph.initializers[i]);
    if (!('sizes' in init.values)) {
      sameConstant(init, across);
      initializers.push(init);
      continue;
    }
    const columns = init.values.sizes.map((_, k) => across.map((t) => ('sizes' in t.values ? t.values.sizes[k] : Number.NaN)));
    const formulas = columns.map((values) => fitSize(values, sizes) ?? unfitted(base.graph, init.name, values));
    if (formulas.every((f) => typeof f === 'number')) initializers.push(init);
    else writer.vector(init.name, formulas);
  }
  const outputs = base.graph.outputs.map((o, i) => ({
    ...o,
    dims: o.dims.map((d, k) => {
      const f = fitSize(
        probes.map((p) => p.graph.outputs[i].dims[k] as number),
        sizes,
      );
      return f === null ? `${o.name}_size${k}` : typeof f === 'number' ? d : formulaName(f, axes);
    }),
  }));
  const inputs = base.graph.inputs.map((v) => ({
    ...v,
    dims: v.dims.map((d, k) => axes.find((a) => a.input === v.name && a.axis === k)?.name ?? d),
  }));
  return {
    name: base.graph.name,
    nodes: [...writer.nodes, ...base.graph.nodes],
    initializers: [...initializers, ...writer.initializers],
    inputs,
    outputs,
  };
}

/** The formula through `values` (one per probe, base first), a number where it never changes, or null. */
function fitSize(values: readonly number[], sizes: readonly (readonly number[])[]): SizeFormula | number | null {
  const axes = sizes[0].length;
  const factors = Array.from({ length: axes }, (_, i) => i).filter((i) => values[1 + i] !== values[0]);
  if (factors.length === 0) return values.every((v) => v === values[0]) ? values[0] : null;
  const product = (p: number) => factors.reduce((m, i) => m * sizes[p][i], 1);
  const probe = 1 + factors[0];
  let num = values[probe] - values[0];
  let den = product(probe) - product(0);
  const g = gcd(Math.abs(num), Math.abs(den));
  [num, den] = [(Math.sign(den) * num) / g, Math.abs(den) / g];
  if ((num * product(0)) % den !== 0) return null;
  const offset = values[0] - (num * product(0)) / den;
  const fits = values.every((v, p) => (num * product(p)) % den === 0 && (num * product(p)) / den + offset === v);
  return fits ? { factors, num, den, offset } : null;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A formula as a `dim_param`: `batch`, `height/16`, `height*width/256+1`. */
function formulaName(f: SizeFormula, axes: readonly DynamicAxis[]): string {
  const product = f.factors.map((i) => axes[i].name).join('*');
  const scaled = `${product}${f.num !== 1 ? `*${f.num}` : ''}${f.den !== 1 ? `/${f.den}` : ''}`;
  return f.offset === 0 ? scaled : `${scaled}${f.offset > 0 ? '+' : ''}${f.offset}`;
}

/** Writes the nodes that compute sizes from the inputs' shapes, sharing what two sizes have in common. */
class FormulaWriter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: Initializer[] = [];
  private readonly made = new Map<string, string>();

  constructor(private readonly axes: readonly DynamicAxis[]) {}

  /** Makes the int64 vector `name` of these sizes, in place of the initializer of that name. */
  vector(name: string, formulas: readonly (SizeFormula | number)[]): void {
    const parts = formulas.map((f) => (typeof f === 'number' ? this.literal(f) : this.formula(f)));
    this.nodes.push({ opType: 'Concat', inputs: parts, outputs: [name], name: `/sizes/${name}`, attributes: { axis: { int: 0 } } });
  }

  /** A `[1]` int64 value computing `f`. */
  private formula(f: SizeFormula): string {
    let v = f.factors.map((i) => this.axisSize(i)).reduce((acc, x) => this.once('Mul', [acc, x]));
    if (f.num !== 1) v = this.once('Mul', [v, this.literal(f.num)]);
    if (f.den !== 1) v = this.once('Div', [v, this.literal(f.den)]);
    if (f.offset !== 0) v = this.once('Add', [v, this.literal(f.offset)]);
    return v;
  }

  /** The runtime size of dynamic axis `i`, `[1]` int64. */
  private axisSize(i: number): string {
    const { input, axis } = this.axes[i];
    return this.once('Gather', [this.once('Shape', [input]), this.literal(axis)], { axis: { int: 0 } });
  }

  /** A `[1]` int64 constant. */
  private literal(value: number): string {
    const name = `/sizes/literal_${value}`;
    if (!this.made.has(name)) {
      this.made.set(name, name);
      this.initializers.push({ name, dtype: 'int64', dims: [1], values: { sizes: [value] } });
    }
    return name;
  }

  /** A node with one output, written once for the same op and inputs. */
  private once(opType: string, inputs: string[], attributes: OnnxNode['attributes'] = {}): string {
    const key = `${opType}(${inputs.join(',')})`;
    const known = this.made.get(key);
    if (known !== undefined) return known;
    const name = `/sizes/${opType}_${this.nodes.length}`;
    this.nodes.push({ opType, inputs, outputs: [`${name}_output_0`], name, attributes });
    this.made.set(key, `${name}_output_0`);
    return `${name}_output_0`;
  }
}

/** Throws unless `other` has the nodes and initializers of `base` (their values aside). */
function sameStructure(base: OnnxGraph, other: OnnxGraph): void {
  const n = Math.min(base.nodes.length, other.nodes.length);
  for (let i = 0; i < n; i++) {
    const [a, b] = [base.nodes[i], other.nodes[i]];
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new Error(
        `exportOnnx: with dynamic axes, node ${a.name} (${a.opType}) is not the same at another input size ` +
          `(${b.name} ${b.opType} there): the forward pass takes another path, or an attribute follows the size; export with fixed sizes`,
      );
    }
  }
  if (base.nodes.length !== other.nodes.length || base.initializers.length !== other.initializers.length) {
    throw new Error(
      `exportOnnx: with dynamic axes, the graph has ${base.nodes.length} nodes at one input size and ${other.nodes.length} at another; export with fixed sizes`,
    );
  }
}

/** Throws unless a constant (not a size) is the same at every probe. */
function sameConstant(init: Initializer, across: readonly Initializer[]): void {
  for (const t of across) {
    const same =
      t.name === init.name &&
      t.dims.join() === init.dims.join() &&
      ('tensor' in init.values ? 'tensor' in t.values && t.values.tensor === init.values.tensor : sameArray(init.values, t.values));
    if (!same)
      throw new Error(
        `exportOnnx: with dynamic axes, constant ${init.name} [${init.dims.join(',')}] changes with the input size ([${t.dims.join(',')}] at another); export with fixed sizes`,
      );
  }
}

function sameArray(a: Initializer['values'], b: Initializer['values']): boolean {
  if (!('array' in a) || !('array' in b) || a.array.length !== b.array.length) return false;
  return a.array.every((v, i) => Object.is(v, b.array[i]));
}

function unfitted(graph: OnnxGraph, name: string, values: readonly number[]): never {
  const user = graph.nodes.find((n) => n.inputs.includes(name));
  throw new Error(
    `exportOnnx: with dynamic axes, a size of ${user ? `node ${user.name} (${user.opType})` : name} takes the values ${values.join(', ')} ` +
      'at the probed input sizes, which no c·(product of input sizes) + k gives; export with fixed sizes',
  );
}
