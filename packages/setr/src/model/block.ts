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
  readonly fc1: Linear;
  readonly act: GELU;
  readonly fc2: Linear;
  readonly drop: Dropout;

  constructor(dim: number, hidden: number, dropRate: number) {
    super();
    this.fc1 = this.registerModule('fc1', new Linear(dim, hidden));
    this.act = this.registerModule('act', new GELU());
    this.fc2 = this.registerModule('fc2', new Linear(hidden, dim));
    this.drop = this.registerModule('drop', new Dropout(dropRate));
  }

  forward(x: Variable): Variable {
    const hidden = this.drop.forward(this.act.forward(this.fc1.forward(x))); // [B, N, rD]
    return this.drop.forward(this.fc2.forward(hidden)); // [B, N, D]
  }
}

export interface BlockOptions {
  mlpRatio: number;
  lnEps: number;
  dropRate: number;
  attnDropRate: number;
  dropPath: number;
}

export class Block extends Module {
  readonly norm1: LayerNorm;
  readonly attn: MultiheadAttention;
  readonly dropPath: DropPath;
  readonly norm2: LayerNorm;
  readonly mlp: Mlp;

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

  forward(x: Variable): Variable {
    return this.forwardWithAttention(x).out;
  }

  /** The forward pass that also returns this block's attention weights `[B, heads, N, N]`. */
  forwardWithAttention(x: Variable): { out: Variable; attention: Variable } {
    const { out: attended, weights } = this.attn.forwardWithWeights(this.norm1.forward(x));
    const z = x.add(this.dropPath.forward(attended)); // Z' = MSA(LN(Z)) + Z
    const out = z.add(this.dropPath.forward(this.mlp.forward(this.norm2.forward(z)))); // MLP(LN(Z')) + Z'
    return { out, attention: weights };
  }
}
