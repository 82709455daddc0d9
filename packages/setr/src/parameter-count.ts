/**
 * Parameter counts per top-level module, as the paper's Table 1 reports them. Counting needs the
 * modules' shapes only: no forward pass, no activations.
 */
import type { Module } from '@setr-ts/nn';

/** What {@link countParameters} returns: the model's parameter elements, in total and per top-level child. */
export interface ParameterCount {
  /** Every parameter element. */
  readonly total: number;
  /** Per top-level child (`backbone`, MLA's `neck`, `decode_head`, `auxiliary_head`). */
  readonly modules: Record<string, number>;
}

/** @example countParameters(new Setr(preset('setr-tiny-pup')))   // { total: 1687735, modules: { backbone: 1239168, ... } } */
export function countParameters(model: Module): ParameterCount {
  const modules = Object.fromEntries(model.namedChildren().map(([name, m]) => [name, m.numParameters()]));
  return { total: model.numParameters(), modules };
}
