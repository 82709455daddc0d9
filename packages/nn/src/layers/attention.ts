/** Multi-head self-attention in timm's layout, the attention of ViT and so of SETR's encoder. */
import type { Variable } from '@setr-ts/autograd';
import type { CreateOptions } from '@setr-ts/tensor';
import { attend } from '../functional/attention.js';
import { Module } from '../module.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { size } from './sizes.js';

/** Options of {@link MultiheadAttention}, plus the dtype and backend of its parameters. */
export interface MultiheadAttentionOptions extends CreateOptions {
  /** Bias on the qkv projection (timm's `qkv_bias`, true for ViT). */
  qkvBias?: boolean;
  /** Dropout on the attention weights. */
  attnDrop?: number;
  /** Dropout after the output projection. */
  projDrop?: number;
}

/**
 * Self-attention with `numHeads` heads over tokens `[B, N, dim]`, laid out as timm's
 * `vision_transformer.Attention` so that ViT checkpoints load unchanged: one Linear `qkv` with weight
 * `[3·dim, dim]` whose output is read as `[B, N, 3, heads, dim/heads]` (q, k, v, then heads), and an
 * output Linear `proj`. (PyTorch's own `nn.MultiheadAttention` names its weights `in_proj_weight` and
 * `out_proj`; it is a different layout.)
 * @example new MultiheadAttention(768, 12).forward(tokens)   // [B, 577, 768] -> [B, 577, 768]
 */
export class MultiheadAttention extends Module {
  /** Channels per head, `dim / numHeads` (64 for ViT-B). */
  readonly headDim: number;
  /** The factor applied to q·kᵀ before the softmax, `headDim^−0.5`. */
  readonly scale: number;
  /** The joint q, k, v projection: `Linear(dim, 3·dim)` (state-dict name `qkv`). */
  readonly qkv: Linear;
  /** Dropout on the attention weights (state-dict name `attn_drop`). */
  readonly attnDrop: Dropout;
  /** The output projection `Linear(dim, dim)` (state-dict name `proj`). */
  readonly proj: Linear;
  /** Dropout after the output projection (state-dict name `proj_drop`). */
  readonly projDrop: Dropout;

  /** @throws When `dim` does not divide by `numHeads`. */
  constructor(
    /** Token width C of the input `[B, N, C]`. */
    readonly dim: number,
    /** Number of attention heads. */
    readonly numHeads: number,
    opts: MultiheadAttentionOptions = {},
  ) {
    super();
    size('MultiheadAttention', 'dim', dim);
    size('MultiheadAttention', 'numHeads', numHeads, 1);
    if (!Number.isInteger(dim / numHeads)) throw new Error(`MultiheadAttention: dim ${dim} must divide by numHeads ${numHeads}`);
    this.headDim = dim / numHeads;
    this.scale = this.headDim ** -0.5;
    const create = { dtype: opts.dtype, backend: opts.backend };
    this.qkv = this.registerModule('qkv', new Linear(dim, 3 * dim, { ...create, bias: opts.qkvBias ?? true }));
    this.attnDrop = this.registerModule('attn_drop', new Dropout(opts.attnDrop ?? 0));
    this.proj = this.registerModule('proj', new Linear(dim, dim, create));
    this.projDrop = this.registerModule('proj_drop', new Dropout(opts.projDrop ?? 0));
  }

  /** Attends tokens `[B, N, dim]` to each other; output `[B, N, dim]`. Throws on any other input shape. */
  forward(x: Variable): Variable {
    return this.forwardWithWeights(x).out;
  }

  /**
   * The forward pass that also returns the attention weights `[B, heads, N, N]` (row i: how token i
   * attends to every token, before attention dropout), for attention maps.
   */
  forwardWithWeights(x: Variable): {
    /** The layer's output `[B, N, dim]`, as {@link forward} returns it. */
    out: Variable;
    /** The attention weights `[B, heads, N, N]`; each row sums to 1. */
    weights: Variable;
  } {
    const [b, n, c] = x.shape;
    if (x.rank !== 3 || c !== this.dim)
      throw new Error(`MultiheadAttention: expected tokens [B, N, ${this.dim}], got [${x.shape.join(',')}]`);
    // [B, N, 3·C] -> [B, N, 3, heads, d] -> [3, B, heads, N, d]: q, k, v each [B, heads, N, d]
    const qkv = this.qkv.forward(x).reshape([b, n, 3, this.numHeads, this.headDim]).permute([2, 0, 3, 1, 4]);
    const [q, k, v] = qkv.split(1, 0).map((t) => t.squeeze(0));
    const { out, weights } = attend(q, k, v, { scale: this.scale, dropoutP: this.attnDrop.p, training: this.training });
    // heads back together: [B, heads, N, d] -> [B, N, heads, d] -> [B, N, C]
    const merged = out.transpose(1, 2).reshape([b, n, c]);
    return { out: this.projDrop.forward(this.proj.forward(merged)), weights };
  }

  override extraRepr(): string {
    return `dim=${this.dim}, num_heads=${this.numHeads}`;
  }
}
