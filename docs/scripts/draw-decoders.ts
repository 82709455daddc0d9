/**
 * The three SETR decoders side by side, as SVGs written as text (docs/06-decoders.md shows them): each
 * box is one step of `packages/setr/src/model/up-head.ts`, `mla-neck.ts` or `mla-head.ts`, or the
 * segmentor's final resize, labelled with its state-dict name and the shape it produces. The official
 * code's heads are drawn; notes say where mmsegmentation's differ. Two sizes:
 *
 * - decoders.svg: the paper's ViT-Large at patch 16, in symbols (D = 1024 channels, C = 256, Cm = 256,
 *   Ch = 128, K classes, h × w = H/16 × W/16 tokens);
 * - decoders-tiny.svg: the `setr-tiny-*` presets the chapter traces, one 96×128 image, with every shape
 *   taken from running the library's models (so the figure and the chapter's printed traces agree).
 *
 *   npx tsx docs/scripts/draw-decoders.ts            → docs/images/decoders.svg, docs/images/decoders-tiny.svg
 */
import { noGrad, tidy, variable } from '@setr-ts/autograd';
import { type MlaHead, type MlaNeck, preset, Setr, tokensToMap, type UpHead } from '@setr-ts/setr';
import * as T from '@setr-ts/tensor';
import { writeSvg } from './svg.js';

T.setLogger(() => {});

/** What a box does, which sets its colour. */
type Kind = 'tokens' | 'reshape' | 'conv' | 'up' | 'classify' | 'sum';
/** A box: its kind, its step (bold line) and the shape it produces (second line, may be empty). */
type Step = [Kind, string, string?];

/** What one figure says: the three columns, the MLA streams and the notes. */
interface Figure {
  file: string;
  naive: { sub: string; steps: Step[]; note: string[] };
  pup: { sub: string; steps: Step[]; note: string[] };
  mla: {
    sub: string;
    taps: string[];
    /** The shape after each row of a stream: tokens, norm + reshape, channel_proj, feat_extract, up_convs .0/.1, ×4. */
    shapes: [string, string, string, string, string, string];
    end: Step[];
    note: string[];
  };
  sizes: string;
}

const FILL: Record<Kind, string> = {
  tokens: '#e8e8e8',
  reshape: '#f4f0e0',
  conv: '#dbe8f7',
  up: '#fde3c8',
  classify: '#d8f0d8',
  sum: '#ffffff',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function draw(f: Figure): void {
  const parts: string[] = [];

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

  /** A column of boxes joined by arrows, from the top down, 16 px apart; returns its bottom. */
  function column(x: number, y: number, w: number, steps: Step[]): number {
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

  function note(x: number, y: number, lines: string[]): number {
    lines.forEach((l, i) => {
      parts.push(`<text x="${x}" y="${y + i * 14}" class="note">${esc(l)}</text>`);
    });
    return y + lines.length * 14;
  }

  // --- Naive ---------------------------------------------------------------------------------------
  const naiveX = 130;
  title(naiveX, 24, 'SETR-Naive', f.naive.sub);
  let bottom = note(naiveX, column(naiveX, 56, 220, f.naive.steps) + 28, f.naive.note);

  // --- PUP -----------------------------------------------------------------------------------------
  const pupX = 390;
  title(pupX, 24, 'SETR-PUP', f.pup.sub);
  bottom = Math.max(bottom, note(pupX, column(pupX, 56, 220, f.pup.steps) + 28, f.pup.note));

  // --- MLA -----------------------------------------------------------------------------------------
  const mlaLeft = 560;
  const streamW = 150;
  const gap = 12;
  const mlaCentre = mlaLeft + (4 * streamW + 3 * gap) / 2;
  title(mlaCentre, 24, 'SETR-MLA', f.mla.sub);
  const { taps, shapes } = f.mla;
  const xs = taps.map((_, i) => mlaLeft + streamW / 2 + i * (streamW + gap));
  const rowY = [56, 106, 156, 206, 256, 306, 356];
  const projected = xs.map((x, i) => {
    const t = box(x, rowY[0], streamW - 6, 'tokens', `tokens ${taps[i]}`, shapes[0]);
    arrow(x, t.bottom, x, rowY[1]);
    const n = box(x, rowY[1], streamW - 6, 'reshape', `norm.${i}, reshape`, shapes[1]);
    arrow(x, n.bottom, x, rowY[2]);
    return box(x, rowY[2], streamW - 6, 'conv', `mla.channel_proj.${i}: 1×1`, shapes[2]);
  });
  // the neck returns its streams deepest first: feat_extract.k and the head's up_convs.k count from the last tap
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
    const s = box(x, rowY[4], streamW - 6, 'conv', `mla.feat_extract.${k(i)}: 3×3`, shapes[3]);
    arrow(x, s.bottom, x, rowY[5]);
    const h = box(x, rowY[5], streamW - 6, 'conv', `up_convs.${k(i)}.0, .1: 3×3`, shapes[4]);
    arrow(x, h.bottom, x, rowY[6]);
    const u = box(x, rowY[6], streamW - 6, 'up', `up_convs.${k(i)}.2: ×4`, shapes[5]);
    arrow(x, u.bottom, mlaCentre, rowY[6] + 70);
  });
  note(xs[3] + 40, sumY - 12, ['top-down']);
  // which module holds the rows: the neck (norm, channel_proj, sums, feat_extract), then the decode head
  const side = (y1: number, y2: number, label: string) => {
    const x = mlaLeft - 10;
    parts.push(`<path d="M${x + 4},${y1} L${x},${y1} L${x},${y2} L${x + 4},${y2}" class="line"/>`);
    parts.push(
      `<text x="${x - 6}" y="${(y1 + y2) / 2}" class="sub" transform="rotate(-90 ${x - 6} ${(y1 + y2) / 2})">${esc(label)}</text>`,
    );
  };
  side(rowY[1], rowY[4] + 34, 'neck');
  side(rowY[5], rowY[6] + 34, 'decode_head');
  bottom = Math.max(bottom, note(mlaCentre, column(mlaCentre, rowY[6] + 70, 260, f.mla.end) + 28, f.mla.note));

  // --- legend ----------------------------------------------------------------------------------------
  const legendY = bottom + 16;
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
    `<text x="40" y="${legendY + 34}" class="legend">${esc(f.sizes)}</text>`,
    `<text x="40" y="${legendY + 50}" class="legend">Names are the state-dict keys under decode_head. (MLA: the neck's under neck.); drawn in the official style.</text>`,
  );

  writeSvg(
    f.file,
    mlaLeft + 4 * streamW + 3 * gap + 20,
    legendY + 64,
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
}

// --- the paper's ViT-Large, in symbols ----------------------------------------------------------------
draw({
  file: 'decoders.svg',
  naive: {
    sub: 'up-head.ts: 1 stage, 1×1',
    steps: [
      ['tokens', 'block 24 tokens Z²⁴', '[B, 1+N, D]'],
      ['reshape', 'norm (LN), drop cls, reshape', '[B, D, h, w]'],
      ['conv', 'up_convs.0.0: 1×1 conv, BN, ReLU', '[B, C, h, w]'],
      ['classify', 'conv_seg: 1×1 conv C→K', '[B, K, h, w]'],
      ['up', 'bilinear ×16 (the segmentor)', '[B, K, H, W]'],
    ],
    note: ['mmseg: ×4 after up_convs.0.0 (upScale 4),', 'then conv_seg and ×4', 'aux heads on Z¹⁰, Z¹⁵, Z²⁰: the same head'],
  },
  pup: {
    sub: 'up-head.ts: log2(16) = 4 stages, 3×3',
    steps: [
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
    ],
    note: ['aux heads on Z¹⁰, Z¹⁵, Z²⁰ (official also Z²⁴):', '3×3 stage, ×4, conv_seg, resize'],
  },
  mla: {
    sub: 'mla-neck.ts (neck.), mla-head.ts: 4 streams, top-down sums',
    taps: ['Z⁶', 'Z¹²', 'Z¹⁸', 'Z²⁴'],
    shapes: ['[B, 1+N, D]', '[B, D, h, w]', '[B, Cm, h, w]', '[B, Cm, h, w]', '[B, Ch, h, w]', '[B, Ch, 4h, 4w]'],
    end: [
      ['reshape', 'concatenate the 4 streams', '[B, 4·Ch, 4h, 4w]'],
      ['classify', 'conv_seg: 3×3 conv 4·Ch→K (mmseg 1×1)', '[B, K, 4h, 4w]'],
      ['up', 'bilinear ×4 (the segmentor)', '[B, K, H, W]'],
    ],
    note: [
      'the ×4 of each stream aligns corners (mmseg: not)',
      'aux heads: a 1×1 conv Cm→K on each neck output (auxiliary_head.j.conv_seg), resize',
    ],
  },
  sizes: 'ViT-Large, patch 16: D = 1024, C = Cm = 256, Ch = 128, h × w = H/16 × W/16, N = h·w; K classes.',
});

// --- the tiny presets, every shape from the library's own models ----------------------------------------
const shape = (v: { shape: readonly number[] }) => `[${v.shape.join(', ')}]`;
const sup = (n: number) => [...String(n)].map((d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]).join('');
const x = T.zeros([1, 3, 96, 128]); // one image at CamVid's size (the shapes do not depend on its values)

/** Traces an up-head (Naive, PUP) of `name`: tokens, map, each stage's conv and upsampling, conv_seg, the segmentor's output. */
function traceUpHead(name: string): { steps: Step[]; tap: number; aux: number[]; patch: number } {
  const model = new Setr(preset(name)).eval();
  const steps = tidy(() =>
    noGrad(() => {
      const { blocks, grid } = model.backbone.forward(variable(x));
      const head = model.decodeHead as UpHead;
      const tap = head.opts.tap;
      const out: Step[] = [['tokens', `block ${tap + 1} tokens Z${sup(tap + 1)}`, shape(blocks[tap])]];
      let m = tokensToMap(head.norm, blocks[tap], grid);
      out.push(['reshape', 'norm (LN), drop cls, reshape', shape(m)]);
      const k = head.opts.kernelSize;
      for (const [i, stage] of [...head.upConvs].entries()) {
        m = stage.at(0).forward(m);
        out.push(['conv', `up_convs.${i}.0: ${k}×${k} conv, BN, ReLU`, shape(m)]);
        if (head.opts.upScale > 1) {
          m = stage.at(1).forward(m);
          out.push(['up', `up_convs.${i}.1: bilinear ×${head.opts.upScale}`, shape(m)]);
        }
      }
      const logits = head.convSeg.forward(m);
      out.push(['classify', `conv_seg: 1×1 conv ${m.shape[1]}→${logits.shape[1]}`, shape(logits)]);
      const final = model.forward(x).logits;
      if (final.shape[2] !== logits.shape[2])
        out.push(['up', `bilinear ×${final.shape[2] / logits.shape[2]} (the segmentor)`, shape(final)]);
      return out;
    }),
  );
  const r = {
    steps,
    tap: model.config.decoder.kind === 'mla' ? -1 : model.config.decoder.tap,
    aux: model.config.auxHeads.map((a) => a.tap),
    patch: model.config.patchSize,
  };
  model.dispose();
  return r;
}

const naive = traceUpHead('setr-tiny-naive');
const pup = traceUpHead('setr-tiny-pup');
const blockNames = (taps: number[]) => taps.map((t) => `Z${sup(t + 1)}`).join(', ');

const mlaModel = new Setr(preset('setr-tiny-mla')).eval();
const mla = tidy(() =>
  noGrad(() => {
    const { blocks, grid } = mlaModel.backbone.forward(variable(x));
    const neck = mlaModel.neck as MlaNeck;
    const head = mlaModel.decodeHead as MlaHead;
    const taps = neck.opts.taps;
    const streams = neck.forward(blocks, grid); // deepest first
    const map = tokensToMap(neck.norm.at(0), blocks[taps[0]], grid);
    const projected = neck.mla.channelProj.at(0).forward(map);
    const convs = head.upConvs.at(0).at(1).forward(head.upConvs.at(0).at(0).forward(streams[0]));
    const ups = streams.map((s, k) => head.upConvs.at(k).forward(s));
    const logits = head.forward({ blocks, grid, neck: streams });
    const final = mlaModel.forward(x).logits;
    const kernel = head.convSeg.weight.shape[2];
    return {
      taps: taps.map((t) => `Z${sup(t + 1)}`),
      shapes: [
        shape(blocks[taps[0]]),
        shape(map),
        shape(projected),
        shape(streams[0]),
        shape(convs),
        shape(ups[0]),
      ] as Figure['mla']['shapes'],
      end: [
        [
          'reshape',
          `concatenate the ${streams.length} streams`,
          `[1, ${ups.reduce((s, u) => s + u.shape[1], 0)}, ${ups[0].shape[2]}, ${ups[0].shape[3]}]`,
        ],
        ['classify', `conv_seg: ${kernel}×${kernel} conv ${head.convSeg.weight.shape[1]}→${logits.shape[1]}`, shape(logits)],
        ['up', `bilinear ×${final.shape[2] / logits.shape[2]} (the segmentor)`, shape(final)],
      ] as Step[],
    };
  }),
);
const cfg = mlaModel.config;
if (cfg.decoder.kind !== 'mla') throw new Error('setr-tiny-mla is not an MLA');
const mlaSizes = `Cm = ${cfg.decoder.neckChannels}, Ch = ${cfg.decoder.headChannels}`;
mlaModel.dispose();

draw({
  file: 'decoders-tiny.svg',
  naive: {
    sub: 'setr-tiny-naive: 1 stage, 1×1',
    steps: naive.steps,
    note: [`aux heads on ${blockNames(naive.aux)}: the same head`, '(mmseg: ×4 after up_convs.0.0)'],
  },
  pup: {
    sub: `setr-tiny-pup: log2(${pup.patch}) = ${pup.steps.filter(([k]) => k === 'conv').length} stages, 3×3`,
    steps: pup.steps,
    note: [`aux heads on ${blockNames(pup.aux)}:`, '3×3 stage, ×4, conv_seg, resize'],
  },
  mla: {
    sub: `setr-tiny-mla (${mlaSizes}): ${mla.taps.length} streams, top-down sums`,
    taps: mla.taps,
    shapes: mla.shapes,
    end: mla.end,
    note: ['the ×4 of each stream aligns corners (mmseg: not)', `aux heads: a 1×1 conv on each neck output, on ${mla.taps.join(', ')}`],
  },
  sizes: `setr-tiny-*, one 96×128 image: patch 8, D = 128, 6 blocks, a 12 × 16 grid (N = 192), C = 64, ${mlaSizes}; K = 11 CamVid classes.`,
});
x.dispose();
