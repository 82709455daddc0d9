/**
 * Draws docs/images/autograd-graph.svg, the figure of chapter 3: two graphs as @setr-ts/autograd records
 * them, in the style of micrograd's `draw_dot` — each variable a box with its value and its gradient,
 * each op a circle with its name, arrows in the direction of the forward pass. Nothing is typed in: the
 * graphs are built with the library, every variable calls `retainGrad()`, `backward()` runs, and the
 * script walks `gradFn.inputs` from the output, drawing what it finds (`null` inputs, the constants
 * `record` keeps no node for, drawn dashed).
 *
 * The first graph is the chapter's f(x) = x·x + 3x at x = 2; the second micrograd's own example, a
 * neuron o = tanh(x1·w1 + x2·w2 + b), whose numbers can be compared with micrograd's README.
 *
 *   npx tsx docs/scripts/draw-graph.ts               → docs/images/autograd-graph.svg
 */
import { parameter, type Variable } from '@setr-ts/autograd';
import * as T from '@setr-ts/tensor';
import { writeSvg } from './svg.js';

T.setLogger(() => {}); // the backend line is not part of the figure

/** A graph to draw: its output and the names of the variables that have one. */
interface Graph {
  title: string;
  root: Variable;
  names: Map<Variable, string>;
}

function chapterGraph(): Graph {
  const x = parameter(T.tensor(2));
  const xx = x.mul(x);
  const x3 = x.mul(3);
  const f = xx.add(x3);
  return {
    title: "f(x) = x·x + 3x at x = 2, the chapter's example",
    root: f,
    names: new Map([
      [x, 'x'],
      [xx, 'x·x'],
      [x3, '3x'],
      [f, 'f'],
    ]),
  };
}

function neuronGraph(): Graph {
  const [x1, x2, w1, w2, b] = [2, 0, -3, 1, 6.881373587019543].map((v) => parameter(T.tensor(v)));
  const x1w1 = x1.mul(w1);
  const x2w2 = x2.mul(w2);
  const sum = x1w1.add(x2w2);
  const n = sum.add(b);
  const o = n.tanh();
  const names: [Variable, string][] = [
    [x1, 'x1'],
    [x2, 'x2'],
    [w1, 'w1'],
    [w2, 'w2'],
    [b, 'b'],
    [x1w1, 'x1·w1'],
    [x2w2, 'x2·w2'],
    [sum, 'x1w1 + x2w2'],
    [n, 'n'],
    [o, 'o'],
  ];
  return { title: "micrograd's neuron: o = tanh(x1·w1 + x2·w2 + b)", root: o, names: new Map(names) };
}

/** What is drawn: variables (boxes), ops (circles) and constants (dashed boxes), with their edges. */
type Item =
  | { kind: 'value'; v: Variable; text: string[]; col: number; y: number }
  | { kind: 'op'; text: string; col: number; y: number }
  | { kind: 'constant'; col: number; y: number };

const CHAR = 7.3; // width of a character of the 12 px monospace font
const LINE = 16; // height of one line of a box
const ROW = 64; // vertical distance between neighbouring items of a column
const fmt = (n: number) => n.toFixed(4);

/** Lays one graph out from left (leaves) to right (the output) and returns its SVG parts and size. */
function layout(g: Graph, top: number): { parts: string[]; height: number; width: number } {
  for (const v of walk(g.root)) v.retainGrad();
  g.root.backward();

  // the column of a variable: 2 × its depth (leaves 0); its op sits one column to its left
  const depth = new Map<Variable, number>();
  const depthOf = (v: Variable): number => {
    const known = depth.get(v);
    if (known !== undefined) return known;
    const inputs = (v.gradFn?.inputs ?? []).filter((u): u is Variable => u !== null);
    const d = v.gradFn ? 1 + Math.max(0, ...inputs.map(depthOf)) : 0;
    depth.set(v, d);
    return d;
  };
  // rows: the leaves in the order a depth-first walk from the output meets them; others between their inputs
  const items: Item[] = [];
  const edges: [Item, Item, boolean][] = []; // from, to, dashed
  const itemOf = new Map<Variable, Item>();
  let nextLeafRow = 0;
  const place = (v: Variable): Item => {
    const known = itemOf.get(v);
    if (known) return known;
    const name = g.names.get(v);
    const text = [...(name ? [name] : []), `data ${fmt(v.data.item())}`, `grad ${fmt(v.grad?.item() ?? 0)}`];
    if (!v.gradFn) {
      const leaf: Item = { kind: 'value', v, text, col: 0, y: nextLeafRow++ };
      itemOf.set(v, leaf);
      items.push(leaf);
      return leaf;
    }
    const col = 2 * depthOf(v);
    const inputs = v.gradFn.inputs.map((u) => {
      if (u) return place(u);
      const c: Item = { kind: 'constant', col: col - 2, y: nextLeafRow++ };
      items.push(c);
      return c;
    });
    const y = inputs.reduce((s, it) => s + it.y, 0) / inputs.length;
    const op: Item = { kind: 'op', text: v.gradFn.op, col: col - 1, y };
    const value: Item = { kind: 'value', v, text, col, y };
    items.push(op, value);
    inputs.forEach((it) => {
      edges.push([it, op, it.kind === 'constant']);
    });
    edges.push([op, value, false]);
    itemOf.set(v, value);
    return value;
  };
  place(g.root);
  // no two items of a column closer than one row
  const byCol = new Map<number, Item[]>();
  for (const it of items) byCol.set(it.col, [...(byCol.get(it.col) ?? []), it]);
  for (const col of byCol.values()) {
    col.sort((a, b) => a.y - b.y);
    for (let i = 1; i < col.length; i++) col[i].y = Math.max(col[i].y, col[i - 1].y + 1);
  }

  // widths: a column is as wide as its widest item
  const widthOf = (it: Item) =>
    it.kind === 'value' ? Math.max(...it.text.map((t) => t.length * CHAR + 14)) : it.kind === 'op' ? 2 * opRadius(it.text) : CONSTANT_W;
  const cols = Math.max(...items.map((it) => it.col)) + 1;
  const colWidth = Array.from({ length: cols }, (_, c) => Math.max(0, ...items.filter((it) => it.col === c).map(widthOf)));
  const colX: number[] = [];
  let x = 20;
  for (let c = 0; c < cols; c++) {
    colX.push(x);
    x += colWidth[c] + 26;
  }
  const centre = (it: Item) => colX[it.col] + colWidth[it.col] / 2;
  const rows = Math.max(...items.map((it) => it.y)) + 1;
  const yOf = (it: Item) => top + 56 + it.y * ROW;

  const parts: string[] = [`<text x="20" y="${top + 14}" class="title">${esc(g.title)}</text>`];
  const right = (it: Item) => centre(it) + widthOf(it) / 2;
  const left = (it: Item) => centre(it) - widthOf(it) / 2;
  const drawn = new Map<string, number>(); // an input used twice by one op gets two arrows, a little apart
  for (const [from, to, dashed] of edges) {
    const key = `${items.indexOf(from)}>${items.indexOf(to)}`;
    const nth = drawn.get(key) ?? 0;
    drawn.set(key, nth + 1);
    const twice = edges.filter(([f, t]) => f === from && t === to).length > 1;
    const shift = twice ? (nth === 0 ? -5 : 5) : 0;
    const [x1, y1, x2, y2] = [right(from), yOf(from) + shift, left(to) + (twice ? 2 : 0), yOf(to) + shift];
    const mid = (x1 + x2) / 2;
    parts.push(`<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" class="edge${dashed ? ' dashed' : ''}"/>`);
  }
  for (const it of items) {
    const [cx, cy] = [centre(it), yOf(it)];
    if (it.kind === 'op') {
      parts.push(`<circle cx="${cx}" cy="${cy}" r="${opRadius(it.text)}" class="op"/>`);
      parts.push(`<text x="${cx}" y="${cy + 4}" class="mid">${esc(it.text)}</text>`);
    } else if (it.kind === 'constant') {
      parts.push(`<rect x="${cx - CONSTANT_W / 2}" y="${cy - 18}" width="${CONSTANT_W}" height="36" rx="3" class="constant"/>`);
      parts.push(`<text x="${cx}" y="${cy - 3}" class="mid faint">a constant:</text>`);
      parts.push(`<text x="${cx}" y="${cy + 12}" class="mid faint">input null</text>`);
    } else {
      const [w, h] = [widthOf(it), it.text.length * LINE + 6];
      const leaf = !it.v.gradFn;
      parts.push(`<rect x="${cx - w / 2}" y="${cy - h / 2}" width="${w}" height="${h}" rx="2" class="${leaf ? 'leaf' : 'value'}"/>`);
      it.text.forEach((t, i) => {
        const ty = cy - h / 2 + 3 + (i + 1) * LINE - 4;
        if (i > 0) parts.push(`<path d="M${cx - w / 2},${ty - LINE + 4} L${cx + w / 2},${ty - LINE + 4}" class="sep"/>`);
        const cls = t.startsWith('grad') ? ' grad' : t.startsWith('data') ? '' : ' name';
        parts.push(`<text x="${cx}" y="${ty}" class="mid${cls}">${esc(t)}</text>`);
      });
    }
  }
  return { parts, height: 56 + (rows - 1) * ROW + 40, width: x };
}

/** Every variable of the graph behind `root`, once. */
function walk(root: Variable): Variable[] {
  const seen = new Set<Variable>();
  const visit = (v: Variable) => {
    if (seen.has(v)) return;
    seen.add(v);
    for (const u of v.gradFn?.inputs ?? []) if (u) visit(u);
  };
  visit(root);
  return [...seen];
}

const CONSTANT_W = 96;
const opRadius = (name: string) => Math.max(17, (name.length * CHAR) / 2 + 7);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const parts: string[] = [];
let y = 10;
let width = 0;
for (const g of [chapterGraph(), neuronGraph()]) {
  const drawn = layout(g, y);
  parts.push(...drawn.parts);
  y += drawn.height + 14;
  width = Math.max(width, drawn.width);
}
parts.push(
  `<text x="20" y="${y + 4}" class="note">Boxes: variables, with data and gradient after backward() (leaves, the parameters, shaded); circles: the op</text>`,
  `<text x="20" y="${y + 20}" class="note">of each variable's gradFn. Arrows follow the forward pass; backward() walks them the other way, and a</text>`,
  `<text x="20" y="${y + 36}" class="note">variable used more than once (x: three times) gets the sum of what each use sends back.</text>`,
);
writeSvg(
  'autograd-graph.svg',
  Math.max(width, 760),
  y + 50,
  `<style>
.title { font-size: 14px; font-weight: bold; }
.mid { font-size: 12px; text-anchor: middle; font-family: DejaVu Sans Mono, monospace; }
.grad { fill: #b03000; }
.name { font-weight: bold; font-family: DejaVu Sans, Arial, sans-serif; }
.faint { fill: #777; font-size: 11px; }
.note { font-size: 12px; fill: #333; }
.value { fill: #ffffff; stroke: #333; }
.leaf { fill: #dbe8f7; stroke: #333; }
.op { fill: #fde3c8; stroke: #333; }
.constant { fill: none; stroke: #999; stroke-dasharray: 4 3; }
.sep { stroke: #999; }
.edge { fill: none; stroke: #555; stroke-width: 1.2; marker-end: url(#head); }
.dashed { stroke: #999; stroke-dasharray: 4 3; }
</style>
<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>
`,
  parts,
);
