/**
 * Draws docs/images/two-moons.svg, the figure of chapter 4: the two-moons points and the decision
 * boundary of the chapter's MLP, trained as the chapter trains it (the same data function, seed,
 * network, optimizer and 100 steps; the script prints the chapter's loss lines, so a drift shows). The
 * background is the network's probability of class 1 on a grid over the plane (a raster, made with
 * sharp and laid into the SVG); the line where it crosses 0.5 is the decision boundary.
 *
 *   npx tsx docs/scripts/draw-moons.ts               → docs/images/two-moons.svg
 */
import { noGrad, tidy, variable } from '@setr-ts/autograd';
import { AdamW, F, Linear, ReLU, Sequential } from '@setr-ts/nn';
import * as T from '@setr-ts/tensor';
import sharp from 'sharp';
import { writeSvg } from './svg.js';

T.setLogger(() => {});

/** Chapter 4's data: n points of two moons with noise, class 0 the upper half circle, class 1 the lower one, shifted. */
function twoMoons(n: number, noise: number): { points: T.Tensor; labels: T.Tensor } {
  const angles = T.tidy(() => T.rand([n / 2]).mul(Math.PI)).dataSync();
  const xy = new Float32Array(2 * n);
  angles.forEach((a, i) => {
    xy.set([Math.cos(a), Math.sin(a)], 2 * i);
    xy.set([1 - Math.cos(a), 0.5 - Math.sin(a)], 2 * (n / 2 + i));
  });
  const labels = T.cat([T.zeros([n / 2], { dtype: 'int32' }), T.ones([n / 2], { dtype: 'int32' })]);
  return { points: T.tensor(xy, [n, 2]).add(T.randn([n, 2]).mul(noise)), labels };
}

// the chapter's training, step for step
T.manualSeed(1);
const moons = twoMoons(200, 0.1);
const mlp = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 16), new ReLU(), new Linear(16, 2));
const opt = new AdamW(mlp.parameters(), { lr: 0.01, weightDecay: 0 });
const inputs = variable(moons.points);
for (let step = 1; step <= 100; step++) {
  const loss = tidy(() => {
    const l = F.crossEntropy(mlp.forward(inputs), moons.labels);
    l.backward();
    opt.step();
    opt.zeroGrad();
    return l.item();
  });
  if (step % 25 === 0) console.log(`step ${step}: loss ${loss.toFixed(3)} (chapter 4 prints the same)`);
}
const accuracy = noGrad(() => mlp.forward(inputs).data.argmax(1).eq(moons.labels).float().mean().item());

// the plane: data coordinates → pixels
const [x0, x1, y0, y1] = [-1.5, 2.5, -1.0, 1.5];
const [W, H] = [480, 300]; // plot area, px
const [left, top] = [46, 34];
const px = (x: number) => left + ((x - x0) / (x1 - x0)) * W;
const py = (y: number) => top + ((y1 - y) / (y1 - y0)) * H;

// p(class 1) on every pixel of the plot area, in one batch
const grid = new Float32Array(W * H * 2);
for (let r = 0; r < H; r++) {
  for (let c = 0; c < W; c++) grid.set([x0 + ((c + 0.5) / W) * (x1 - x0), y1 - ((r + 0.5) / H) * (y1 - y0)], 2 * (r * W + c));
}
const p1 = noGrad(() =>
  T.tidy(() =>
    mlp
      .forward(variable(T.tensor(grid, [W * H, 2])))
      .data.softmax(1)
      .narrow(1, 1, 1)
      .dataSync(),
  ),
);
const CLASS = [
  [31, 119, 180],
  [255, 127, 14],
]; // class 0 blue, class 1 orange
const pixels = new Uint8Array(W * H * 3);
for (let i = 0; i < W * H; i++) {
  const p = p1[i];
  const side = p >= 0.5 ? 1 : 0;
  // a light tint of the predicted class, stronger where the network is sure; the boundary dark
  const r = Math.floor(i / W);
  const c = i % W;
  const edge = (c + 1 < W && p1[i + 1] >= 0.5 !== p >= 0.5) || (r + 1 < H && p1[i + W] >= 0.5 !== p >= 0.5);
  const strength = 0.12 + 0.2 * Math.abs(2 * p - 1);
  for (let k = 0; k < 3; k++) pixels[3 * i + k] = edge ? 40 : Math.round(255 * (1 - strength) + CLASS[side][k] * strength);
}
const background = await sharp(Buffer.from(pixels), { raw: { width: W, height: H, channels: 3 } })
  .png()
  .toBuffer();

const parts: string[] = [
  `<text x="${left}" y="20" class="title">Chapter 4's MLP after 100 steps: ${(100 * accuracy).toFixed(1)}% training accuracy</text>`,
  `<image x="${left}" y="${top}" width="${W}" height="${H}" href="data:image/png;base64,${background.toString('base64')}"/>`,
  `<rect x="${left}" y="${top}" width="${W}" height="${H}" fill="none" stroke="#333"/>`,
];
const xy = moons.points.dataSync();
const labels = moons.labels.dataSync();
for (let i = 0; i < labels.length; i++) {
  parts.push(`<circle cx="${px(xy[2 * i]).toFixed(1)}" cy="${py(xy[2 * i + 1]).toFixed(1)}" r="3.2" class="c${labels[i]}"/>`);
}
for (let x = -1; x <= 2; x++) {
  parts.push(`<path d="M${px(x)},${top + H} L${px(x)},${top + H + 5}" class="tick"/>`);
  parts.push(`<text x="${px(x)}" y="${top + H + 18}" class="axis">${x}</text>`);
}
for (let y = -1; y <= 1.5; y += 0.5) {
  parts.push(`<path d="M${left - 5},${py(y)} L${left},${py(y)}" class="tick"/>`);
  parts.push(`<text x="${left - 8}" y="${py(y) + 4}" class="axis" text-anchor="end">${y}</text>`);
}
// legend
const ly = top + H + 40;
const legend: [string, string][] = [
  ['c0', 'class 0 (upper moon)'],
  ['c1', 'class 1 (lower moon)'],
];
legend.forEach(([cls, text], i) => {
  const lx = left + i * 165;
  parts.push(
    `<circle cx="${lx + 5}" cy="${ly - 4}" r="4" class="${cls}"/>`,
    `<text x="${lx + 14}" y="${ly}" class="legend">${text}</text>`,
  );
});
parts.push(
  `<path d="M${left + 335},${ly - 4} L${left + 355},${ly - 4}" stroke="#282828" stroke-width="2"/>`,
  `<text x="${left + 361}" y="${ly}" class="legend">p(class 1) = 0.5</text>`,
  `<text x="${left}" y="${ly + 20}" class="note">Background: the class the network predicts there, deeper where it is surer.</text>`,
);
writeSvg(
  'two-moons.svg',
  left + W + 20,
  ly + 32,
  `<style>
.title { font-size: 13px; font-weight: bold; }
.axis { font-size: 11px; text-anchor: middle; }
.tick { stroke: #333; }
.legend { font-size: 12px; }
.note { font-size: 11px; fill: #444; }
.c0 { fill: rgb(31, 119, 180); stroke: white; stroke-width: 0.8; }
.c1 { fill: rgb(255, 127, 14); stroke: white; stroke-width: 0.8; }
</style>
`,
  parts,
);
