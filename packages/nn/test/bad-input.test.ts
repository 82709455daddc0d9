/**
 * The bad-input campaign (issue #13) for layers: property tests that build layers from bad sizes and
 * feed them inputs of the wrong shape. A bad constructor argument must be refused with a plain `Error`
 * whose message starts with the layer's name (as `Conv2d: in_channels 3 and out_channels 4 must both
 * divide by groups 2` does) and must leave no tensor behind (no half-built layer's weight); a bad input
 * must be refused with a plain `Error` naming an op or the layer, leaving nothing behind either.
 */
import { type Variable, variable } from '@setr-ts/autograd';
import { zeros } from '@setr-ts/tensor';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { refuses } from '../../tensor/test/support/refuses.js';
import { BatchNorm2d, Conv2d, Dropout, DropPath, type Layer, LayerNorm, Linear, MultiheadAttention, Upsample } from '../src/index.js';

const SEED = Number(process.env.SETR_TEST_SEED ?? 20240611);
const RUNS = 25;

const check = <T>(arb: fc.Arbitrary<T>, predicate: (v: T) => void) => fc.assert(fc.property(arb, predicate), { seed: SEED, numRuns: RUNS });

/** Tests pass the public API values its types forbid; this says so once. */
const unchecked = <T>(v: unknown) => v as T;

/** A layer size that is no size: negative, fractional, non-finite, huge, or not a number (0 is allowed, as in PyTorch). */
const badSizeArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(-1, -8, 2.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53),
  fc.constantFrom<unknown>('4', null, undefined, [4]),
);

/** A probability that is none: outside [0, 1], NaN, or not a number. */
const badProbabilityArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.double({ min: 1, max: 1e6, noNaN: true, minExcluded: true }),
  fc.double({ min: -1e6, max: 0, noNaN: true, maxExcluded: true }),
  fc.constantFrom<unknown>(Number.NaN, '0.5', null),
);

/** `forward` of `layer` on zeros of `shape`, with the input disposed afterwards (the layer's own tensors stay). */
function forwardOn(layer: Layer, shape: readonly number[]): () => Variable {
  return () => {
    const x = variable(zeros(shape));
    try {
      return layer.forward(x);
    } finally {
      x.dispose();
    }
  };
}

function withLayer<L extends { dispose(): void }>(layer: L, body: (l: L) => void): void {
  try {
    body(layer);
  } finally {
    layer.dispose();
  }
}

/** Layers check their sizes when built: `new Linear(4, 2.5)` names Linear and the argument, never a failure deep in creation. */
describe('layer constructors refuse bad sizes, naming the layer', () => {
  /** Each layer built with one bad argument put in the place `at` picks. */
  const CONSTRUCTORS: readonly [string, (bad: unknown, at: number) => unknown][] = [
    ['Linear', (bad, at) => new Linear(unchecked(at % 2 === 0 ? bad : 4), unchecked(at % 2 === 1 ? bad : 4))],
    [
      'Conv2d',
      (bad, at) => new Conv2d(unchecked(at % 3 === 0 ? bad : 2), unchecked(at % 3 === 1 ? bad : 2), unchecked(at % 3 === 2 ? bad : 3)),
    ],
    ['LayerNorm', (bad) => new LayerNorm(unchecked(Array.isArray(bad) ? [bad] : bad))], // [4] alone is a valid shape
    ['LayerNorm', (bad) => new LayerNorm(unchecked([4, bad]))],
    ['BatchNorm2d', (bad) => new BatchNorm2d(unchecked(bad))],
    ['MultiheadAttention', (bad, at) => new MultiheadAttention(unchecked(at % 2 === 0 ? bad : 8), unchecked(at % 2 === 1 ? bad : 2))],
  ];

  it.each(CONSTRUCTORS)('%s', (name, make) => check(fc.tuple(badSizeArb, fc.nat()), ([bad, at]) => refuses(name, () => make(bad, at))));

  it('Conv2d refuses bad stride, padding, dilation and groups', () =>
    check(
      fc.tuple(fc.constantFrom('stride', 'padding', 'dilation', 'groups'), fc.constantFrom<unknown>(0, -1, 1.5, Number.NaN, '2')),
      ([option, bad]) => {
        if (option === 'padding' && bad === 0) return; // padding 0 is the default
        refuses('Conv2d', () => new Conv2d(2, 2, 3, { [option]: bad }));
      },
    ));

  it('Dropout and DropPath refuse a probability outside [0, 1]', () =>
    check(badProbabilityArb, (p) => {
      refuses('Dropout', () => new Dropout(unchecked(p)));
      refuses('DropPath', () => new DropPath(unchecked(p)));
    }));
});

describe('layers pass a bad dtype on to tensor creation, which names it', () => {
  it('layers refuse an unknown dtype, naming it', () =>
    check(fc.constantFrom('float16', 'int64', 'bfloat16', 'Float32'), (dtype) => {
      for (const make of [() => new Linear(2, 2, { dtype: unchecked(dtype) }), () => new LayerNorm(2, { dtype: unchecked(dtype) })]) {
        refuses(null, make, `'${dtype}'`);
      }
    }));
});

describe('layers refuse an input of the wrong shape, naming an op, without leaking', () => {
  it('Linear', () =>
    check(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })), ([inF, extra]) =>
      withLayer(new Linear(inF, 3), (l) => {
        refuses(null, forwardOn(l, [2, inF + extra]));
        refuses(null, forwardOn(l, []));
      }),
    ));

  it('Conv2d', () =>
    check(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), ([c, extra]) =>
      withLayer(new Conv2d(c, 2, 3), (l) => {
        refuses(null, forwardOn(l, [1, c + extra, 5, 5])); // channels differ
        refuses(null, forwardOn(l, [1, c, 2, 2])); // smaller than the kernel
        refuses(null, forwardOn(l, [c, 5, 5])); // no batch dim
      }),
    ));

  it('LayerNorm', () =>
    check(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })), ([d, extra]) =>
      withLayer(new LayerNorm(d), (l) => refuses(null, forwardOn(l, [2, d + extra]))),
    ));

  it('BatchNorm2d', () =>
    check(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })), ([c, extra]) =>
      withLayer(new BatchNorm2d(c), (l) => {
        refuses('BatchNorm2d', forwardOn(l, [2, c + extra, 3, 3]));
        refuses('BatchNorm2d', forwardOn(l, [2, c]));
      }),
    ));

  it('MultiheadAttention', () =>
    check(fc.integer({ min: 1, max: 3 }), (extra) =>
      withLayer(new MultiheadAttention(8, 2), (l) => {
        refuses('MultiheadAttention', forwardOn(l, [1, 3, 8 + extra]));
        refuses('MultiheadAttention', forwardOn(l, [3, 8]));
      }),
    ));

  it('Upsample with a bad size or an empty input', () =>
    check(fc.constantFrom<unknown>(0, -2, 1.5, Number.NaN), (size) => {
      refuses(null, forwardOn(new Upsample({ size: unchecked(size) }), [1, 1, 3, 3]));
      refuses(null, forwardOn(new Upsample({ scaleFactor: 2 }), [1, 1, 0, 3]));
    }));
});
