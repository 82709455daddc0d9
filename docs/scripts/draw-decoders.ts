/**
 * The three SETR decoders side by side, as an SVG written as text (docs/06-decoders.md shows it): each
 * box is one step of `packages/setr/src/model/up-head.ts`, `mla-neck.ts` or `mla-head.ts`, or the
 * segmentor's final resize, labelled with its state-dict name and the shape it produces for the
 * paper's ViT-Large at patch 16 (D = 1024 channels, C = 256, Cm = 256, Ch = 128, K classes,
 * h × w = H/16 × W/16 tokens). The official code's heads are drawn; notes say where mmsegmentation's differ.
 *
 *   npx tsx docs/scripts/draw-decoders.ts            → docs/images/decoders.svg
 */
import { writeSvg } from './svg.js';

/** What a box does, which sets its colour. */
type Kind = 'tokens' | 'reshape' | 'conv' | 'up' | 'classify' | 'sum';

const FILL: Record<Kind, string> = {
  tokens: '#e8e8e8',
  reshape: '#f4f0e0',
  conv: '#dbe8f7',
  up: '#fde3c8',
  classify: '#d8f0d8',
  sum: '#ffffff',
};

const parts: string[] = [];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A box centred at x with its top at y: a bold first line (the step) and a second (the shape). */
function box(x: number, y: number, w: number, kind: Kind, step: string, shape = ''): { top: number; bottom: number; x: number } {
  const h = shape ? 34 : 22;
  parts.push(`<rect x="${x - w / 2}" y="${y}" width="${w}" height="${h}" rx="4" fill="${FILL[kind]}" stroke="#555"/>`);
  parts.push(`<text x="${x}" y="${y + 14}" class="step">${esc(step)}</text>`);
  if (shape) parts.push(`<text x="${x}" y="${y + 28}" class="shape">${esc(shape)}</text>`);
  return { top: y, bottom: y + h, x };
}

/** A downward arrow from (x, y1) to (x, y2), or a bent one when the x differ. */
function arrow(x1: number, y1: number, x2: number, y2: number): void {
  const d = x1 === x2 ? `M${x1},${y1} L${x2},${y2}` : `M${x1},${y1} L${x1},${(y1 + y2) / 2} L${x2},${(y1 + y2) / 2} L${x2},${y2}`;
  parts.push(`<path d="${d}" class="arrow"/>`);
}

/** A column of boxes joined by arrows, from the top down, 16 px apart. */
function column(x: number, y: number, w: number, steps: [Kind, string, string?][]): number {
  let at = y;
  let prev: { bottom: number } | null = null;
  for (const [kind, step, shape] of steps) {
    if (prev) arrow(x, prev.bottom, x, at);
    prev = box(x, at, w, kind, step, shape);
    at = prev.bottom + 16;
  }
  return at - 16;
}

function title(x: number, y: number, text: string, sub: string): void {
  parts.push(`<text x="${x}" y="${y}" class="title">${esc(text)}</text>`);
  parts.push(`<text x="${x}" y="${y + 16}" class="sub">${esc(sub)}</text>`);
}

function note(x: number, y: number, lines: string[]): void {
  lines.forEach((l, i) => {
    parts.push(`<text x="${x}" y="${y + i * 14}" class="note">${esc(l)}</text>`);
  });
}

// --- Naive ---------------------------------------------------------------------------------------
const naiveX = 130;
title(naiveX, 24, 'SETR-Naive', 'up-head.ts: 1 stage, 1×1');
let end = column(naiveX, 56, 220, [
  ['tokens', 'block 24 tokens Z²⁴', '[B, 1+N, D]'],
  ['reshape', 'norm (LN), drop cls, reshape', '[B, D, h, w]'],
  ['conv', 'up_convs.0.0: 1×1 conv, BN, ReLU', '[B, C, h, w]'],
  ['classify', 'conv_seg: 1×1 conv C→K', '[B, K, h, w]'],
  ['up', 'bilinear ×16 (the segmentor)', '[B, K, H, W]'],
]);
note(naiveX, end + 28, ['mmseg: ×4 after up_convs.0.0 (upScale 4),', 'then conv_seg and ×4', 'aux heads on Z¹⁰, Z¹⁵, Z²⁰: the same head']);

// --- PUP -----------------------------------------------------------------------------------------
const pupX = 390;
title(pupX, 24, 'SETR-PUP', 'up-head.ts: log2(16) = 4 stages, 3×3');
end = column(pupX, 56, 220, [
  ['tokens', 'block 24 tokens Z²⁴', '[B, 1+N, D]'],
  ['reshape', 'norm (LN), drop cls, reshape', '[B, D, h, w]'],
  ['conv', 'up_convs.0.0: 3×3 conv, BN, ReLU', '[B, C, h, w]'],
  ['up', 'up_convs.0.1: bilinear ×2', '[B, C, 2h, 2w]'],
  ['conv', 'up_convs.1.0: 3×3 conv, BN, ReLU', ''],
  ['up', 'up_convs.1.1: bilinear ×2', '[B, C, 4h, 4w]'],
  ['conv', 'up_convs.2.0: 3×3 conv, BN, ReLU', ''],
  ['up', 'up_convs.2.1: bilinear ×2', '[B, C, 8h, 8w]'],
  ['conv', 'up_convs.3.0: 3×3 conv, BN, ReLU', ''],
  ['up', 'up_convs.3.1: bilinear ×2', '[B, C, H, W]'],
  ['classify', 'conv_seg: 1×1 conv C→K', '[B, K, H, W]'],
]);
note(pupX, end + 28, ['aux heads on Z¹⁰, Z¹⁵, Z²⁰ (official also Z²⁴):', '3×3 stage, ×4, conv_seg, resize']);

// --- MLA -----------------------------------------------------------------------------------------
const mlaLeft = 560;
const streamW = 150;
const gap = 12;
const mlaCentre = mlaLeft + (4 * streamW + 3 * gap) / 2;
title(mlaCentre, 24, 'SETR-MLA', 'mla-neck.ts (neck.), mla-head.ts: 4 streams, top-down sums');
const taps = ['Z⁶', 'Z¹²', 'Z¹⁸', 'Z²⁴'];
const xs = taps.map((_, i) => mlaLeft + streamW / 2 + i * (streamW + gap));
const rowY = [56, 106, 156, 206, 256, 306, 356];
const projected = xs.map((x, i) => {
  const t = box(x, rowY[0], streamW - 6, 'tokens', `tokens ${taps[i]}`, '[B, 1+N, D]');
  arrow(x, t.bottom, x, rowY[1]);
  const n = box(x, rowY[1], streamW - 6, 'reshape', `norm.${i}, reshape`, '[B, D, h, w]');
  arrow(x, n.bottom, x, rowY[2]);
  return box(x, rowY[2], streamW - 6, 'conv', `mla.channel_proj.${i}: 1×1`, '[B, Cm, h, w]');
});
// the neck returns its streams deepest first: feat_extract.k and the head's up_convs.k count from Z²⁴
const k = (i: number) => taps.length - 1 - i;
// top-down: the deepest stream's projection flows left, added into each shallower one
const sumY = rowY[3] + 6;
xs.forEach((x, i) => {
  arrow(x, projected[i].bottom, x, sumY - 8);
  if (i < 3) {
    parts.push(`<circle cx="${x}" cy="${sumY}" r="8" fill="#fff" stroke="#555"/>`);
    parts.push(`<text x="${x}" y="${sumY + 4}" class="step">+</text>`);
    parts.push(`<path d="M${xs[i + 1] - (i + 1 === 3 ? 0 : 8)},${sumY} L${x + 8},${sumY}" class="arrow"/>`);
  } else {
    parts.push(`<path d="M${x},${sumY - 8} L${x},${sumY}" class="line"/>`);
  }
  arrow(x, i < 3 ? sumY + 8 : sumY, x, rowY[4]);
  const s = box(x, rowY[4], streamW - 6, 'conv', `mla.feat_extract.${k(i)}: 3×3`, '[B, Cm, h, w]');
  arrow(x, s.bottom, x, rowY[5]);
  const h = box(x, rowY[5], streamW - 6, 'conv', `up_convs.${k(i)}.0, .1: 3×3`, '[B, Ch, h, w]');
  arrow(x, h.bottom, x, rowY[6]);
  const u = box(x, rowY[6], streamW - 6, 'up', `up_convs.${k(i)}.2: ×4`, '[B, Ch, 4h, 4w]');
  arrow(x, u.bottom, mlaCentre, rowY[6] + 70);
});
note(xs[3] + 40, sumY - 12, ['top-down']);
// which module holds the rows: the neck (norm, channel_proj, sums, feat_extract), then the decode head
const side = (y1: number, y2: number, label: string) => {
  const x = mlaLeft - 10;
  parts.push(`<path d="M${x + 4},${y1} L${x},${y1} L${x},${y2} L${x + 4},${y2}" class="line"/>`);
  parts.push(`<text x="${x - 6}" y="${(y1 + y2) / 2}" class="sub" transform="rotate(-90 ${x - 6} ${(y1 + y2) / 2})">${esc(label)}</text>`);
};
side(rowY[1], rowY[4] + 34, 'neck');
side(rowY[5], rowY[6] + 34, 'decode_head');
end = column(mlaCentre, rowY[6] + 70, 260, [
  ['reshape', 'concatenate the 4 streams', '[B, 4·Ch, 4h, 4w]'],
  ['classify', 'conv_seg: 3×3 conv 4·Ch→K (mmseg 1×1)', '[B, K, 4h, 4w]'],
  ['up', 'bilinear ×4 (the segmentor)', '[B, K, H, W]'],
]);
note(mlaCentre, end + 28, [
  'the ×4 of each stream aligns corners (mmseg: not)',
  'aux heads: a 1×1 conv Cm→K on each neck output (auxiliary_head.j.conv_seg), resize',
]);

// --- legend ----------------------------------------------------------------------------------------
const legendY = 640;
const legend: [Kind, string][] = [
  ['tokens', 'encoder tokens'],
  ['reshape', 'LayerNorm / reshape / concat'],
  ['conv', 'conv + BatchNorm + ReLU'],
  ['up', 'bilinear upsampling'],
  ['classify', 'classifier (conv_seg)'],
];
legend.forEach(([kind, label], i) => {
  const x = 40 + i * 230;
  parts.push(`<rect x="${x}" y="${legendY}" width="18" height="14" fill="${FILL[kind]}" stroke="#555"/>`);
  parts.push(`<text x="${x + 24}" y="${legendY + 11}" class="legend">${esc(label)}</text>`);
});
parts.push(
  `<text x="40" y="${legendY + 34}" class="legend">ViT-Large, patch 16: D = 1024, C = Cm = 256, Ch = 128, h × w = H/16 × W/16, N = h·w; K classes. Names are the state-dict keys under decode_head. (MLA: the neck's under neck.); drawn in the official style.</text>`,
);

const width = mlaLeft + 4 * streamW + 3 * gap + 20;
const height = legendY + 50;
writeSvg(
  'decoders.svg',
  width,
  height,
  `<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>
<style>
.title { font-size: 16px; font-weight: bold; text-anchor: middle; }
.sub { font-size: 11px; fill: #555; text-anchor: middle; }
.step { font-size: 11px; text-anchor: middle; }
.shape { font-size: 10px; fill: #333; text-anchor: middle; font-family: DejaVu Sans Mono, monospace; }
.note { font-size: 10.5px; fill: #444; text-anchor: middle; font-style: italic; }
.legend { font-size: 11px; }
.arrow { fill: none; stroke: #555; stroke-width: 1.2; marker-end: url(#head); }
.line { fill: none; stroke: #555; stroke-width: 1.2; }
</style>
`,
  parts,
);
