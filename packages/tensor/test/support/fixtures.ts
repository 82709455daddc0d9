/**
 * Reading the PyTorch golden fixtures that scripts/gen_fixtures.py writes to test/fixtures/. Tensors
 * there are `{shape, data}` with float32 values; "inf", "-inf" and "nan" stand for the non-finite ones.
 */
import { readFileSync } from 'node:fs';
import { type HostTensor, host } from './host.js';

export interface FixtureTensor {
  readonly shape: number[];
  readonly data: (number | string)[];
}

const SPECIAL: Record<string, number> = { inf: Number.POSITIVE_INFINITY, '-inf': Number.NEGATIVE_INFINITY, nan: Number.NaN };

/** A fixture tensor as a float32 host tensor. */
export function decode(t: FixtureTensor): HostTensor {
  return host(
    t.shape,
    t.data.map((v) => {
      if (typeof v === 'number') return v;
      if (!(v in SPECIAL)) throw new Error(`fixture: unexpected value '${v}'`);
      return SPECIAL[v];
    }),
  );
}

/** The cases of `test/fixtures/<name>.json`. */
export function loadCases<C extends { name: string }>(name: string): C[] {
  const doc = JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as { cases: C[] };
  return doc.cases;
}
