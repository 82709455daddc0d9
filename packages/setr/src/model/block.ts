/**
 * The transformer layer of the encoder. "Each layer has a multi-head self-attention (MSA) and a
 * multilayer perceptron (MLP) blocks. ... Layer norm is applied before MSA and MLP blocks"
 * (Zheng et al. 2021, §3.1, following ViT, Dosovitskiy et al. 2021):
 *
 *   Z' = MSA(LN(Z)) + Z        [B, N, D]
 *   Z  = MLP(LN(Z')) + Z'      [B, N, D]
 *
 * Parameter names are timm's (`norm1`, `attn.qkv`, `attn.proj`, `norm2`, `mlp.fc1`, `mlp.fc2`), so ViT
 * checkpoints load unchanged.
 */
import type { Variable } from '@setr-ts/autograd';
import { Dropout, DropPath, GELU, LayerNorm, Linear, Module, MultiheadAttention } from '@setr-ts/nn';

/** The MLP of a block: Linear D → rD, GELU, Linear rD → D, with dropout after each (timm's `Mlp`). */
export class Mlp extends Module {
  /** The expansion `Linear(dim, hidden)`. */
  readonly fc1: Linear;
  /** The GELU between the two Linears. */
  readonly act: GELU;
  /** The projection back `Linear(hidden, dim)`. */
  readonly fc2: Linear;
  /** Dropout after each Linear (rate `dropRate`). */
  readonly drop: Dropout;

  /**
   * @param dim - Token width D.
   * @param hidden - Hidden width, `round(D · mlpRatio)` in a {@link Block} (3072 for ViT-B).
   * @param dropRate - Dropout probability after each Linear.
   */
  constructor(dim: number, hidden: number, dropRate: number) {
    super();
    this.fc1 = this.registerModule('fc1', new Linear(dim, hidden));
    this.act = this.registerModule('act', new GELU());
    this.fc2 = this.registerModule('fc2', new Linear(hidden, dim));
    this.drop = this.registerModule('drop', new Dropout(dropRate));
  }

  /** Tokens `[B, N, D]` → `[B, N, D]`. */
  forward(x: Variable): Variable {
    const hidden = this.drop.forward(this.act.forward(this.fc1.forward(x))); // [B, N, rD]
    return this.drop.forward(this.fc2.forward(hidden)); // [B, N, D]
  }
}

/** Options of {@link Block}; every field is required (the encoder fills them from the config). */
export interface BlockOptions {
  /** MLP hidden width as a multiple of the token width (4 in ViT). */
  mlpRatio: number;
  /** LayerNorm epsilon (1e-6 in ViT). */
  lnEps: number;
  /** Dropout after the attention projection and in the MLP. */
  dropRate: number;
  /** Dropout on the attention weights. */
  attnDropRate: number;
  /** Stochastic-depth probability of this block's two residual branches. */
  dropPath: number;
}

/**
 * One pre-norm transformer layer (timm's `Block`): `Z' = MSA(LN(Z)) + Z`, then `Z = MLP(LN(Z')) + Z'`,
 * on tokens `[B, N, D]`.
 * @example
 * const block = new Block(768, 12, { mlpRatio: 4, lnEps: 1e-6, dropRate: 0, attnDropRate: 0, dropPath: 0 });
 * block.forward(tokens);   // [B, 577, 768] -> [B, 577, 768]
 */
export class Block extends Module {
  /** LayerNorm before attention. */
  readonly norm1: LayerNorm;
  /** Multi-head self-attention (with qkv bias, as ViT). */
  readonly attn: MultiheadAttention;
  /** Stochastic depth on both residual branches (state-dict name `drop_path`; no parameters). */
  readonly dropPath: DropPath;
  /** LayerNorm before the MLP. */
  readonly norm2: LayerNorm;
  /** The feed-forward MLP. */
  readonly mlp: Mlp;

  /**
   * @param dim - Token width D.
   * @param numHeads - Attention heads; D must divide by it.
   */
  constructor(dim: number, numHeads: number, opts: BlockOptions) {
    super();
    this.norm1 = this.registerModule('norm1', new LayerNorm(dim, { eps: opts.lnEps }));
    this.attn = this.registerModule(
      'attn',
      new MultiheadAttention(dim, numHeads, { qkvBias: true, attnDrop: opts.attnDropRate, projDrop: opts.dropRate }),
    );
    this.dropPath = this.registerModule('drop_path', new DropPath(opts.dropPath));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dim, { eps: opts.lnEps }));
    this.mlp = this.registerModule('mlp', new Mlp(dim, Math.round(dim * opts.mlpRatio), opts.dropRate));
  }

  /** Tokens `[B, N, D]` → `[B, N, D]`. */
  forward(x: Variable): Variable {
    return this.forwardWithAttention(x).out;
  }

  /** The forward pass that also returns this block's attention weights `[B, heads, N, N]`. */
  forwardWithAttention(x: Variable): {
    /** The block's output `[B, N, D]`, as {@link forward} returns it. */
    out: Variable;
    /** The attention weights `[B, heads, N, N]`. */
    attention: Variable;
  } {
    const { out: attended, weights } = this.attn.forwardWithWeights(this.norm1.forward(x));
    const z = x.add(this.dropPath.forward(attended)); // Z' = MSA(LN(Z)) + Z
    const out = z.add(this.dropPath.forward(this.mlp.forward(this.norm2.forward(z)))); // MLP(LN(Z')) + Z'
    return { out, attention: weights };
  }
}
