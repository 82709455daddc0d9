/**
 * Which input pixels make each output pixel of `interpolate`, one axis at a time (PyTorch's rules, see
 * `ResizeParams` in backend.ts). Every backend samples through these functions, computed on the host in
 * float64, so all of them read exactly the same input pixels with the same weights.
 */

/** The two source rows (or columns) and weights of output coordinate `o` (PyTorch's bilinear rule). */
export function linearTaps(o: number, inSize: number, scale: number, alignCorners: boolean): [number, number, number, number] {
  const real = alignCorners ? o * scale : Math.max((o + 0.5) * scale - 0.5, 0);
  const i0 = Math.min(Math.floor(real), inSize - 1);
  const i1 = Math.min(i0 + 1, inSize - 1);
  const l1 = real - i0;
  return [i0, i1, 1 - l1, l1];
}

/** Source index of output coordinate `o` for nearest mode: floor(o · scale), clamped. */
export function nearestIndex(o: number, inSize: number, scale: number): number {
  return Math.min(Math.floor(o * scale), inSize - 1);
}
