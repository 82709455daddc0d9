/**
 * Draws docs/images/vit-patches.svg, the figure of chapter 5: how the encoder's input is made, at the
 * chapter's own sizes (a 32×48 image, 8×8 patches, a 4×6 grid, width D = 32). A CamVid photo, resized
 * to 32×48, is cut into its 24 patches (numbered in the row-major order that makes them tokens 0–23);
 * each is flattened and projected by `patch_embed.proj` to a token of 32 numbers; the class token goes
 * in front and the position embeddings are added: z0 = [cls; tokens] + pos_embed. The numbers are the
 * library's: a `VisionTransformer` built as the chapter builds it (seed 0, untrained, so its class token
 * and position embeddings are still their small random initial values), run on the photo.
 *
 *   npx tsx docs/scripts/draw-patches.ts             → docs/images/vit-patches.svg
 */
import { cat, expand, noGrad, variable } from '@setr-ts/autograd';
import { imagesToTensor, loadCamVid, type Raster, raster, resizeImage, VisionTransformer } from '@setr-ts/setr';
import * as T from '@setr-ts/tensor';
import sharp from 'sharp';
import { enlarge } from './panels.js';
import { writeSvg } from './svg.js';

T.setLogger(() => {});
T.manualSeed(0);
const [H, W, P, D] = [32, 48, 8, 32];
const [h, w] = [H / P, W / P];
const N = h * w;

const val = await loadCamVid('data/camvid/96x128', 'val');
const photo = resizeImage(val.get(val.names.indexOf('0016E5_08049.png')).image, [H, W]);
const vit = new VisionTransformer({
  imgSize: [H, W],
  patchSize: P,
  embedDim: D,
  depth: 2,
  numHeads: 4,
  mlpRatio: 4,
  lnEps: 1e-6,
  dropRate: 0,
  attnDropRate: 0,
  dropPathRate: 0,
  withClsToken: true,
});
const input = imagesToTensor([photo]);
const [tokens, clsPos, pos, z0] = noGrad(() => {
  const t = vit.patchEmbed.forward(variable(input)).tokens; // [1, N, D]
  const withCls = cat([expand(vit.clsToken, [1, 1, D]), t], 1); // [1, 1+N, D]
  return [withCls, withCls, vit.posEmbed, withCls.add(vit.posEmbed)].map((v) => v.data.reshape([1 + N, D]).dataSync() as Float32Array);
});
void clsPos;

/** A raster as a PNG data URI (for <image> in the SVG). */
const uri = async (r: Raster) =>
  `data:image/png;base64,${(
    await sharp(Buffer.from(r.data), { raw: { width: r.width, height: r.height, channels: 3 } })
      .png()
      .toBuffer()
  ).toString('base64')}`;

/** Blue (negative) – white – red (positive), v in [−1, 1]. */
const diverging = (v: number): [number, number, number] => {
  const t = Math.max(-1, Math.min(1, v));
  return t < 0
    ? [Math.round(255 + t * (255 - 33)), Math.round(255 + t * (255 - 102)), Math.round(255 + t * (255 - 172))]
    : [Math.round(255 - t * (255 - 178)), Math.round(255 - t * (255 - 24)), Math.round(255 - t * (255 - 43))];
};
/** A [rows, cols] matrix as a heat raster, scaled to its largest |value|; returns the scale too. */
function heat(m: Float32Array, rows: number, cols: number): { pic: Raster; max: number } {
  const max = m.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  const pic = raster(rows, cols, 3);
  for (let i = 0; i < rows * cols; i++) pic.data.set(diverging(m[i] / max), 3 * i);
  return { pic, max };
}

const parts: string[] = [];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, s: string, cls = 'label') => parts.push(`<text x="${x}" y="${y}" class="${cls}">${esc(s)}</text>`);
const arrow = (x1: number, y1: number, x2: number, y2: number) => parts.push(`<path d="M${x1},${y1} L${x2},${y2}" class="arrow"/>`);

// 1. the photo with its patch grid, each patch numbered with its token index i·w + j
const Z = 6;
const [px0, py0] = [20, 50];
text(px0, 20, '1. the image [3, 32, 48]', 'head');
text(px0, 36, `cut into a ${h} × ${w} grid of ${P}×${P} patches`, 'sub');
parts.push(`<image x="${px0}" y="${py0}" width="${W * Z}" height="${H * Z}" href="${await uri(enlarge(photo, Z))}"/>`);
for (let i = 0; i <= h; i++) parts.push(`<path d="M${px0},${py0 + i * P * Z} L${px0 + W * Z},${py0 + i * P * Z}" class="grid"/>`);
for (let j = 0; j <= w; j++) parts.push(`<path d="M${px0 + j * P * Z},${py0} L${px0 + j * P * Z},${py0 + H * Z}" class="grid"/>`);
for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) text(px0 + j * P * Z + 4, py0 + i * P * Z + 14, String(i * w + j), 'pnum');

// 2. the patches as a sequence, row-major
const sx0 = px0 + W * Z + 60;
const PZ = 4;
const perRow = 12;
text(sx0, 20, `2. the ${N} patches as a sequence`, 'head');
text(sx0, 36, 'row by row: patch (i, j) is token i·6 + j', 'sub');
arrow(px0 + W * Z + 8, py0 + (H * Z) / 2, sx0 - 8, py0 + (H * Z) / 2);
for (let k = 0; k < N; k++) {
  const [i, j] = [Math.floor(k / w), k % w];
  const patch = raster(P, P, 3);
  for (let y = 0; y < P; y++)
    patch.data.set(photo.data.subarray(((i * P + y) * W + j * P) * 3, ((i * P + y) * W + j * P + P) * 3), y * P * 3);
  const [x, y] = [sx0 + (k % perRow) * (P * PZ + 6), py0 + 14 + Math.floor(k / perRow) * (P * PZ + 26)];
  parts.push(`<image x="${x}" y="${y}" width="${P * PZ}" height="${P * PZ}" href="${await uri(enlarge(patch, PZ))}"/>`);
  text(x + (P * PZ) / 2, y + P * PZ + 12, String(k), 'num mid');
}
const flatY = py0 + 14 + 2 * (P * PZ + 26) + 8;
text(sx0, flatY, `each flattened to 3·${P}·${P} = 192 numbers and multiplied by E, patch_embed.proj`, 'sub');
text(sx0, flatY + 15, `(a ${P}×${P} convolution of stride ${P} with ${D} output channels: [192] → [${D}])`, 'sub');

// 3. the sequence: [cls; tokens] + pos_embed = z0, one row per token, one column per channel
const CZ = 5;
const MY = 30; // the matrices' top, below their titles
const ty0 = py0 + H * Z + 70;
text(px0, ty0 - 30, `3. the sequence [1+N, D] = [${1 + N}, ${D}]: one row per token, one column per channel`, 'head');
text(px0, ty0 - 14, 'each matrix coloured on its own scale: blue negative, white 0, red positive', 'sub');
const matrices: [string, string, Float32Array][] = [
  ['[cls; x·E]', 'class token, then the 24 patch tokens', tokens],
  ['pos_embed', 'one learned vector per position', pos],
  ['z0', 'the first block’s input', z0],
];
let mx = px0 + 40;
for (const [k, [name, sub, m]] of matrices.entries()) {
  const { pic, max } = heat(m, 1 + N, D);
  parts.push(`<image x="${mx}" y="${ty0 + MY}" width="${D * CZ}" height="${(1 + N) * CZ}" href="${await uri(enlarge(pic, CZ))}"/>`);
  parts.push(`<rect x="${mx}" y="${ty0 + MY}" width="${D * CZ}" height="${(1 + N) * CZ}" class="frame"/>`);
  parts.push(`<path d="M${mx},${ty0 + MY + CZ} L${mx + D * CZ},${ty0 + MY + CZ}" class="clsline"/>`);
  text(mx + (D * CZ) / 2, ty0 + 4, name, 'head mid');
  text(mx + (D * CZ) / 2, ty0 + 17, sub, 'sub mid');
  text(mx + (D * CZ) / 2, ty0 + MY + (1 + N) * CZ + 14, `|values| ≤ ${max.toPrecision(2)}`, 'sub mid');
  if (k === 0) {
    text(mx - 6, ty0 + MY + CZ - 0.5, 'cls', 'num end');
    for (const t of [6, 12, 18, 23]) text(mx - 6, ty0 + MY + (t + 2) * CZ - 0.5, String(t), 'num end');
  }
  if (k < 2) text(mx + D * CZ + 22, ty0 + MY + ((1 + N) * CZ) / 2 + 6, k === 0 ? '+' : '=', 'op mid');
  mx += D * CZ + 44;
}
// a colour bar for the three matrices
const barX = mx + 10;
const barH = (1 + N) * CZ;
const bar = raster(barH, 1, 3);
for (let y = 0; y < barH; y++) bar.data.set(diverging(1 - (2 * y) / (barH - 1)), 3 * y);
parts.push(
  `<image x="${barX}" y="${ty0 + MY}" width="12" height="${barH}" preserveAspectRatio="none" href="${await uri(enlarge(bar, 1))}"/>`,
);
parts.push(`<rect x="${barX}" y="${ty0 + MY}" width="12" height="${barH}" class="frame"/>`);
text(barX + 16, ty0 + 30, '+max', 'num');
text(barX + 16, ty0 + MY + barH / 2 + 4, '0', 'num');
text(barX + 16, ty0 + MY + barH, '−max', 'num');

vit.dispose();
input.dispose();
writeSvg(
  'vit-patches.svg',
  Math.max(sx0 + perRow * (P * PZ + 6) + 10, barX + 60),
  ty0 + MY + (1 + N) * CZ + 30,
  `<style>
.head { font-size: 13px; font-weight: bold; }
.sub { font-size: 11px; fill: #444; }
.label { font-size: 12px; }
.num { font-size: 10px; fill: #111; font-family: DejaVu Sans Mono, monospace; }
.pnum { font-size: 12px; font-weight: bold; fill: white; stroke: black; stroke-width: 2.5px; paint-order: stroke; }
.mid { text-anchor: middle; }
.end { text-anchor: end; }
.op { font-size: 22px; font-weight: bold; }
.grid { stroke: white; stroke-width: 1.2; }
.frame { fill: none; stroke: #333; }
.clsline { stroke: #111; stroke-width: 1; }
.arrow { fill: none; stroke: #555; stroke-width: 1.5; marker-end: url(#head); }
</style>
<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>
`,
  parts,
);
