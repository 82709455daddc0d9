/**
 * The TinyNet of scripts/gen_fixtures.py, built from our layers: a conv stem with BatchNorm, two ViT
 * blocks in timm's layout, a LayerNorm and a Linear head. Its state dict names must be PyTorch's.
 */
import type { Variable } from '@setr-ts/autograd';
import type { DType } from '@setr-ts/tensor';
import { BatchNorm2d, Conv2d, GELU, LayerNorm, Linear, Module, ModuleList, MultiheadAttention, ReLU, Sequential } from '../../src/index.js';

export class Block extends Module {
  readonly norm1: LayerNorm;
  readonly attn: MultiheadAttention;
  readonly norm2: LayerNorm;
  readonly mlp: Sequential;

  constructor(dim: number, heads: number, dtype?: DType) {
    super();
    this.norm1 = this.registerModule('norm1', new LayerNorm(dim, { eps: 1e-6, dtype }));
    this.attn = this.registerModule('attn', new MultiheadAttention(dim, heads, { dtype }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dim, { eps: 1e-6, dtype }));
    this.mlp = this.registerModule(
      'mlp',
      new Sequential(new Linear(dim, 2 * dim, { dtype }), new GELU(), new Linear(2 * dim, dim, { dtype })),
    );
  }

  forward(x: Variable): Variable {
    const y = x.add(this.attn.forward(this.norm1.forward(x)));
    return y.add(this.mlp.forward(this.norm2.forward(y)));
  }
}

export class TinyNet extends Module {
  readonly stem: Sequential;
  readonly blocks: ModuleList<Block>;
  readonly norm: LayerNorm;
  readonly head: Linear;

  constructor(dtype?: DType) {
    super();
    this.stem = this.registerModule(
      'stem',
      new Sequential(new Conv2d(3, 8, 3, { padding: 1, dtype }), new BatchNorm2d(8, { dtype }), new ReLU()),
    );
    this.blocks = this.registerModule('blocks', new ModuleList([new Block(8, 2, dtype), new Block(8, 2, dtype)]));
    this.norm = this.registerModule('norm', new LayerNorm(8, { eps: 1e-6, dtype }));
    this.head = this.registerModule('head', new Linear(8, 3, { dtype }));
  }

  forward(x: Variable): Variable {
    let tokens = this.stem.forward(x).flatten(2).transpose(1, 2); // [N, 8, H, W] -> [N, HW, 8]
    for (const block of this.blocks) tokens = block.forward(tokens);
    return this.head.forward(this.norm.forward(tokens));
  }
}
