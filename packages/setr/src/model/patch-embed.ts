/**
 * Image to sequence. "We divide an image x ∈ R^{H×W×3} into a grid of H/16 × W/16 patches uniformly,
 * and then flatten this grid into a sequence. By further mapping each vectorized patch p into a latent
 * C-dimensional embedding space using a linear projection function f: p → e ∈ R^C, we obtain a 1D
 * sequence of patch embeddings" (Zheng et al. 2021, §3.1). A linear map of non-overlapping patches is
 * a convolution whose kernel and stride are the patch size (timm's `PatchEmbed`, its weight `proj`).
 *
 *   [B, 3, H, W] → proj → [B, D, H/p, W/p] → flatten → [B, D, N] → transpose → [B, N, D],  N = H/p · W/p
 */
import type { Variable } from '@setr-ts/autograd';
import { Conv2d, Module } from '@setr-ts/nn';

/**
 * Cuts images into non-overlapping `patchSize`² patches and embeds each as a D-vector (timm's `PatchEmbed`).
 * @example
 * const { tokens, grid } = new PatchEmbed(16, 768).forward(images);   // [B, 3, 384, 384] -> tokens [B, 576, 768], grid [24, 24]
 */
export class PatchEmbed extends Module {
  /** The patch projection: `Conv2d(3, embedDim, patchSize, { stride: patchSize })`. */
  readonly proj: Conv2d;

  constructor(
    /** Side p of each square patch, in pixels (16 in SETR). */
    readonly patchSize: number,
    /** D, the width of each token. */
    readonly embedDim: number,
  ) {
    super();
    this.proj = this.registerModule('proj', new Conv2d(3, embedDim, patchSize, { stride: patchSize }));
  }

  /** Images `[B, 3, H, W]` (H, W divisible by the patch) → tokens `[B, N, D]` and the grid [H/p, W/p]. */
  forward(x: Variable): {
    /** The patch embeddings `[B, N, D]`, row-major over the grid. */
    tokens: Variable;
    /** The patch grid `[H/p, W/p]`. */
    grid: [number, number];
  } {
    const [, c, h, w] = x.shape;
    const p = this.patchSize;
    if (x.rank !== 4 || c !== 3) throw new Error(`PatchEmbed: expected images [B, 3, H, W], got [${x.shape.join(',')}]`);
    if (h < p || w < p || h % p !== 0 || w % p !== 0)
      throw new Error(`PatchEmbed: the image size ${h}×${w} must be a positive multiple of the patch size ${p}`);
    const map = this.proj.forward(x); // [B, D, h, w]
    return { tokens: map.flatten(2).transpose(1, 2), grid: [h / p, w / p] }; // [B, h·w, D]
  }

  override extraRepr(): string {
    return `patch_size=${this.patchSize}, embed_dim=${this.embedDim}`;
  }
}
