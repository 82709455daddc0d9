/**
 * Drawing on 2D canvases only. (A WebGPU canvas context on the page would blank every canvas of it in
 * headless Chromium; gpu.js's compute kernels need none, and the page draws nothing with WebGL.)
 */
import { colorizeLabels, overlay, type Raster, raster } from '@setr-ts/setr';

export type Rgb = readonly [number, number, number];

/** A raster (RGB) as a canvas of its own size. */
export function rasterCanvas(img: Raster): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = img.width;
  c.height = img.height;
  const ctx = c.getContext('2d') as CanvasRenderingContext2D;
  const data = ctx.createImageData(img.width, img.height);
  for (let i = 0, j = 0; i < img.height * img.width; i++, j += img.channels) {
    data.data[4 * i] = img.data[j];
    data.data[4 * i + 1] = img.data[j + (img.channels > 1 ? 1 : 0)];
    data.data[4 * i + 2] = img.data[j + (img.channels > 2 ? 2 : 0)];
    data.data[4 * i + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
  return c;
}

/** Sizes `canvas` to the picture times `scale` and returns its context, smoothing off. */
function fit(canvas: HTMLCanvasElement, height: number, width: number, scale: number): CanvasRenderingContext2D {
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.imageSmoothingEnabled = false;
  return ctx;
}

/** The class map laid over the photo (setr's own colorizeLabels and overlay, as `setr predict` draws them). */
export function drawPrediction(
  canvas: HTMLCanvasElement,
  photo: Raster,
  classes: Int32Array | null,
  palette: readonly Rgb[],
  alpha: number,
  scale: number,
): void {
  const ctx = fit(canvas, photo.height, photo.width, scale);
  let shown = photo;
  if (classes) {
    const mask = colorizeLabels(raster(photo.height, photo.width, 1, Uint8Array.from(classes)), palette);
    shown = overlay(photo, mask, alpha);
  }
  ctx.drawImage(rasterCanvas(shown), 0, 0, canvas.width, canvas.height);
}

/** Cell (row, col) of a `grid` laid over the whole canvas, outlined. */
export function outlinePatch(canvas: HTMLCanvasElement, row: number, col: number, grid: readonly [number, number]): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const [ch, cw] = [canvas.height / grid[0], canvas.width / grid[1]];
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 2;
  ctx.strokeRect(col * cw + 1, row * ch + 1, cw - 2, ch - 2);
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 1;
  ctx.strokeRect(col * cw - 0.5, row * ch - 0.5, cw + 1, ch + 1);
}

/** A dark-to-bright colour ramp (black, purple, orange, pale yellow) for attention weights in [0, 1]. */
export function heat(t: number): Rgb {
  const stops: Rgb[] = [
    [0, 0, 4],
    [120, 28, 109],
    [237, 105, 37],
    [252, 255, 164],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]))) as unknown as Rgb;
}

/**
 * One query's attention over the patch grid, `weights` [gh·gw] (the cls key left out), drawn over the
 * photo in grey: each patch coloured by its weight relative to the largest.
 */
export function drawAttention(
  canvas: HTMLCanvasElement,
  photo: Raster,
  weights: Float32Array,
  grid: readonly [number, number],
  scale: number,
): void {
  const ctx = fit(canvas, photo.height, photo.width, scale);
  const grey = raster(photo.height, photo.width, 3);
  for (let i = 0; i < photo.height * photo.width; i++) {
    const v = Math.round(0.6 * (0.299 * photo.data[3 * i] + 0.587 * photo.data[3 * i + 1] + 0.114 * photo.data[3 * i + 2]));
    grey.data.fill(v, 3 * i, 3 * i + 3);
  }
  ctx.drawImage(rasterCanvas(grey), 0, 0, canvas.width, canvas.height);
  const [gh, gw] = grid;
  let max = 0;
  for (const w of weights) max = Math.max(max, w);
  const cells = raster(gh, gw, 3);
  for (let i = 0; i < gh * gw; i++) cells.data.set(heat(max > 0 ? weights[i] / max : 0), 3 * i);
  ctx.globalAlpha = 0.7;
  ctx.imageSmoothingEnabled = true;
  // the attention pass saw the photo stretched to whole patches (as segment's whole mode does), so the grid spans the photo
  ctx.drawImage(rasterCanvas(cells), 0, 0, canvas.width, canvas.height);
  ctx.globalAlpha = 1;
}

/** A line chart of `values` (e.g. validation mIoU per epoch), with its best point marked. */
export function drawCurve(canvas: HTMLCanvasElement, values: readonly number[], best: number): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const [w, h, pad] = [canvas.width, canvas.height, 24];
  ctx.clearRect(0, 0, w, h);
  const max = Math.max(...values, 1e-9);
  const x = (i: number) => pad + (i / Math.max(1, values.length - 1)) * (w - 2 * pad);
  const y = (v: number) => h - pad - (v / max) * (h - 2 * pad);
  ctx.strokeStyle = '#999';
  ctx.beginPath();
  ctx.moveTo(pad, pad / 2);
  ctx.lineTo(pad, h - pad);
  ctx.lineTo(w - pad / 2, h - pad);
  ctx.stroke();
  ctx.strokeStyle = '#2563eb';
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (const [i, v] of values.entries()) {
    if (i === 0) ctx.moveTo(x(i), y(v));
    else ctx.lineTo(x(i), y(v));
  }
  ctx.stroke();
  ctx.fillStyle = '#dc2626';
  ctx.beginPath();
  ctx.arc(x(best), y(values[best]), 4, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = '#444';
  ctx.font = '11px sans-serif';
  ctx.fillText(`${max.toFixed(3)}`, 2, y(max) + 4);
  ctx.fillText('epoch 1', pad, h - 6);
  ctx.fillText(`${values.length}`, w - pad - 8, h - 6);
}

/**
 * Every step's loss (thin, grey) and its running mean over `window` steps (blue), steps on x; dotted
 * lines at the ends of epochs (`stepsPerEpoch`).
 */
export function drawLossCurve(
  canvas: HTMLCanvasElement,
  losses: readonly number[],
  stepsPerEpoch: number,
  totalSteps: number,
  window = 10,
): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const [w, h, pad] = [canvas.width, canvas.height, 28];
  ctx.clearRect(0, 0, w, h);
  // the y axis spans the losses seen (a little margin), so the descent shows
  const [low, high] = [Math.min(...losses), Math.max(...losses)];
  const margin = Math.max(0.05 * (high - low), 1e-3);
  const [bottom, top] = [Math.max(0, low - margin), high + margin];
  const x = (step: number) => pad + (step / Math.max(1, totalSteps)) * (w - 1.5 * pad);
  const y = (v: number) => h - pad - ((v - bottom) / (top - bottom)) * (h - 1.5 * pad);
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(pad, pad / 2);
  ctx.lineTo(pad, h - pad);
  ctx.lineTo(w - pad / 2, h - pad);
  ctx.stroke();
  ctx.setLineDash([2, 3]);
  ctx.strokeStyle = '#ccc';
  for (let s = stepsPerEpoch; s < totalSteps && s <= losses.length; s += stepsPerEpoch) {
    ctx.beginPath();
    ctx.moveTo(x(s), pad / 2);
    ctx.lineTo(x(s), h - pad);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const line = (values: readonly number[], colour: string, width: number) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    for (const [i, v] of values.entries()) {
      if (i === 0) ctx.moveTo(x(i + 1), y(v));
      else ctx.lineTo(x(i + 1), y(v));
    }
    ctx.stroke();
  };
  line(losses, '#bbb', 1);
  const mean = losses.map((_, i) => {
    const from = Math.max(0, i + 1 - window);
    return losses.slice(from, i + 1).reduce((a, b) => a + b, 0) / (i + 1 - from);
  });
  line(mean, '#2563eb', 2);
  ctx.fillStyle = '#444';
  ctx.font = '11px sans-serif';
  ctx.fillText(top.toFixed(2), 2, y(top) + 4);
  ctx.fillText(bottom.toFixed(2), 2, h - pad + 4);
  ctx.fillText('step 1', pad, h - 8);
  ctx.fillText(String(totalSteps), w - pad - 8, h - 8);
}

/** Legend entries: a swatch and the name of each class, and its share of the pixels when given. */
export function legendItems(names: readonly string[], palette: readonly Rgb[], shares: readonly number[] | null): HTMLLIElement[] {
  return names.map((n, i) => {
    const li = document.createElement('li');
    const [r, g, b] = palette[i];
    li.innerHTML = `<span class="swatch" style="background: rgb(${r},${g},${b})"></span>${n}<span class="share">${shares ? `${(100 * shares[i]).toFixed(1)}%` : ''}</span>`;
    return li;
  });
}
