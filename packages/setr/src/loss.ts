/**
 * SETR's training loss: per-pixel cross-entropy on the decoder's logits, plus the same loss on every
 * auxiliary head's logits weighted by its `lossWeight` (0.4 in both codes' configs, `loss_weight=0.4`;
 * the paper's "auxiliary losses" of deep supervision). Pixels labelled 255 ("void") count for nothing.
 *
 *   L = CE(logits, y) + Σ_j w_j · CE(aux_j, y)        logits, aux_j [B, K, H, W], y int32 [B, H, W]
 */
import { add, mul, type Variable } from '@setr-ts/autograd';
import { F } from '@setr-ts/nn';
import type { Tensor } from '@setr-ts/tensor';
import type { SetrOutput } from './model/segmentor.js';

/** Options of {@link setrLoss}. */
export interface SetrLossOptions {
  /** The weight of each auxiliary head's loss, in order (a config's `auxHeads[j].lossWeight`; 0.4 each when not given). */
  auxWeights?: readonly number[];
  /** The label that is ignored (255). */
  ignoreIndex?: number;
  /** Optional per-class weights `[K]` (e.g. CamVid's median-frequency weights). */
  classWeights?: Tensor | null;
}

/** What {@link setrLoss} returns: the total to differentiate, and its parts for logging. */
export interface SetrLoss {
  /** The total, what `backward()` is called on. */
  readonly loss: Variable;
  /** The decoder's cross-entropy. */
  readonly main: Variable;
  /** Each auxiliary head's cross-entropy (unweighted). */
  readonly aux: Variable[];
}

/**
 * @example
 * const { loss } = setrLoss(model.forward(images), labels);
 * loss.backward();
 */
export function setrLoss(out: SetrOutput, labels: Tensor, opts: SetrLossOptions = {}): SetrLoss {
  const { auxWeights = out.aux.map(() => 0.4), ignoreIndex = 255, classWeights = null } = opts;
  if (auxWeights.length !== out.aux.length)
    throw new Error(`setrLoss: ${auxWeights.length} auxiliary weights for ${out.aux.length} auxiliary outputs`);
  const ce = (logits: Variable) => F.crossEntropy(logits, labels, { ignoreIndex, weight: classWeights });
  const main = ce(out.logits);
  const aux = out.aux.map(ce);
  const loss = aux.reduce((total, a, j) => add(total, mul(a, auxWeights[j])), main);
  return { loss, main, aux };
}
