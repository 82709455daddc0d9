/**
 * RGB ↔ HSV for 8-bit pixels, in OpenCV's 8-bit convention (which mmseg's photometric distortion works
 * in): H in [0, 180) (degrees / 2, so it fits a byte), S and V in [0, 255].
 *
 *   V = max(R, G, B),  S = 255·(V − min)/V,  H = 30·(G − B)/(V − min)        if V = R (+180 if < 0)
 *                                              60 + 30·(B − R)/(V − min)   if V = G
 *                                              120 + 30·(R − G)/(V − min)  if V = B
 *
 * and back through the six hue sectors. Both convert interleaved triples in place and round to the
 * nearest integer, so a round trip moves a channel by at most a few levels.
 */

/** Interleaved RGB triples → HSV triples, in place. */
export function rgbToHsv(px: Uint8Array): void {
  for (let i = 0; i < px.length; i += 3) {
    const r = px[i];
    const g = px[i + 1];
    const b = px[i + 2];
    const v = Math.max(r, g, b);
    const diff = v - Math.min(r, g, b);
    let h = 0;
    if (diff > 0) {
      if (v === r) h = (30 * (g - b)) / diff;
      else if (v === g) h = 60 + (30 * (b - r)) / diff;
      else h = 120 + (30 * (r - g)) / diff;
    }
    h = Math.round(h);
    px[i] = h < 0 ? h + 180 : h;
    px[i + 1] = v === 0 ? 0 : Math.round((255 * diff) / v);
    px[i + 2] = v;
  }
}

/** Interleaved HSV triples (OpenCV 8-bit convention) → RGB triples, in place. */
export function hsvToRgb(px: Uint8Array): void {
  for (let i = 0; i < px.length; i += 3) {
    const h = ((px[i] % 180) / 180) * 6; // position on the hue circle, in sectors: [0, 6)
    const s = px[i + 1] / 255;
    const v = px[i + 2];
    const sector = Math.floor(h);
    const f = h - sector;
    const p = v * (1 - s); // the smallest channel
    const q = v * (1 - s * f); // falling within the sector
    const t = v * (1 - s * (1 - f)); // rising within the sector
    let r = v;
    let g = v;
    let b = v;
    switch (sector) {
      case 0:
        g = t;
        b = p;
        break;
      case 1:
        r = q;
        b = p;
        break;
      case 2:
        r = p;
        b = t;
        break;
      case 3:
        r = p;
        g = q;
        break;
      case 4:
        r = t;
        g = p;
        break;
      default:
        g = p;
        b = q;
    }
    px[i] = Math.round(r);
    px[i + 1] = Math.round(g);
    px[i + 2] = Math.round(b);
  }
}
