/**
 * Weight initialisers, PyTorch's `torch.nn.init` (and timm's `trunc_normal_`). Each returns a new
 * tensor of the given shape drawn from the tensor package's seeded generator, so `manualSeed(0)`
 * makes an initialisation repeatable. (The draws differ from PyTorch's own generator: the
 * distributions match, the numbers do not.) To re-initialise a parameter, assign the result:
 * `linear.weight.assign(truncNormal(linear.weight.shape, { std: 0.02 }))`.
 */
import { type CreateOptions, erfScalar, fromTypedArray, full, rand, randn, type Shape, type Tensor, tidy } from '@setr-ts/tensor';

let shapesOnlyDepth = 0;

/**
 * Runs `fn` with every initialiser below returning a stand-in of the right shape and dtype that holds
 * no storage (a stride-0 view of one value), so a model built inside has all its parameters' shapes
 * and none of their memory — what PyTorch's `meta` device gives. For counting or printing models too
 * big to allocate in a hurry (a ViT-Large SETR has 318 M parameters); such a model computes only
 * constants. Nests; `fn` must be synchronous.
 * @example const n = shapesOnly(() => new Linear(4096, 4096)).numParameters();   // 16781312, nothing drawn
 */
export function shapesOnly<T>(fn: () => T): T {
  shapesOnlyDepth++;
  try {
    return fn();
  } finally {
    shapesOnlyDepth--;
  }
}

/** `make()`, or inside {@link shapesOnly} a storage-free stand-in of `shape` holding `value`. */
function initialised(shape: Shape, create: CreateOptions, value: number, make: () => Tensor): Tensor {
  if (shapesOnlyDepth === 0) return make();
  return tidy(() => full([], value, create).expand(shape));
}

/** Activation names `calculateGain` knows (PyTorch's `nn.functional` names). */
export type Nonlinearity = 'linear' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): 1 for linear and sigmoid,
 * 5/3 for tanh, √2 for relu, √(2/(1+slope²)) for leaky_relu (slope 0.01 unless given), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + (param ?? 0.01) ** 2));
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`calculateGain: unknown nonlinearity '${nonlinearity as string}'`);
  }
}

/**
 * Fan-in and fan-out of a weight: `[out, in, ...kernel]` has fanIn = in·∏kernel and fanOut = out·∏kernel
 * (so a Linear `[out, in]` has fanIn = in).
 */
export function fans(shape: Shape): {
  /** Inputs feeding each output unit: `in · ∏kernel`. */
  fanIn: number;
  /** Outputs each input unit feeds: `out · ∏kernel`. */
  fanOut: number;
} {
  if (shape.length < 2) throw new Error(`fans: a weight needs at least 2 dims to have a fan-in and fan-out, got [${shape.join(',')}]`);
  const receptive = shape.slice(2).reduce((a, d) => a * d, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** Samples from U(low, high). */
export function uniform(shape: Shape, low = 0, high = 1, opts: CreateOptions = {}): Tensor {
  if (!(low <= high)) throw new Error(`uniform: low ${low} must not exceed high ${high}`);
  return initialised(shape, opts, low, () =>
    tidy(() =>
      rand(shape, opts)
        .mul(high - low)
        .add(low),
    ),
  );
}

/** Samples from N(mean, std²). */
export function normal(shape: Shape, mean = 0, std = 1, opts: CreateOptions = {}): Tensor {
  if (!(std >= 0)) throw new Error(`normal: std must be non-negative, got ${std}`);
  return initialised(shape, opts, mean, () => tidy(() => randn(shape, opts).mul(std).add(mean)));
}

/** Options of {@link truncNormal}: the normal's parameters and the cut-offs. */
export interface TruncNormalOptions {
  /** Mean of the normal (default 0). */
  mean?: number;
  /** Standard deviation of the normal before truncation (default 1; ViT uses 0.02). */
  std?: number;
  /** Lower cut-off, in absolute units (not standard deviations), as timm's `trunc_normal_`. */
  a?: number;
  /** Upper cut-off, in absolute units. */
  b?: number;
}

/**
 * Samples from N(mean, std²) truncated to [a, b] (timm's `trunc_normal_`; defaults mean 0, std 1,
 * a −2, b 2). The cut-offs are absolute values, as in timm: with ViT's std 0.02 they sit 100 standard
 * deviations out and truncate nothing in practice — that is what ViT weights were trained with.
 * Drawn by rejection: normal samples outside [a, b] are redrawn, which gives the exact truncated law.
 * @example const posEmbed = truncNormal([1, 197, 768], { std: 0.02 });
 */
export function truncNormal(shape: Shape, opts: TruncNormalOptions = {}, create: CreateOptions = {}): Tensor {
  const { mean = 0, std = 1, a = -2, b = 2 } = opts;
  if (!(std > 0) || !(a < b)) throw new Error(`truncNormal: need std > 0 and a < b, got std=${std}, a=${a}, b=${b}`);
  const cdf = (x: number) => 0.5 * (1 + erfScalar((x - mean) / (std * Math.SQRT2)));
  const mass = cdf(b) - cdf(a);
  // below this, rejection would loop for a very long time; such a cut is almost surely a units mistake
  if (mass < 1e-3)
    throw new Error(`truncNormal: [${a}, ${b}] holds only ${mass.toExponential(2)} of N(${mean}, ${std}²); are a and b in absolute units?`);
  return initialised(shape, create, mean, () => {
    const n = shape.reduce((x, d) => x * d, 1);
    const values = new Float64Array(n);
    let filled = 0;
    while (filled < n) {
      // each round draws the expected number still missing, plus slack; draws live in host memory
      // (the reference backend), and only the result goes to the target backend
      const draw = randn([Math.ceil((n - filled) / mass) + 16], { dtype: 'float64', backend: 'reference' });
      const z = draw.dataSync();
      draw.dispose();
      for (let i = 0; i < z.length && filled < n; i++) {
        const v = mean + std * z[i];
        if (v >= a && v <= b) values[filled++] = v;
      }
    }
    const dtype = create.dtype ?? 'float32';
    return fromTypedArray(dtype === 'float64' ? values : Float32Array.from(values), shape, dtype, create.backend);
  });
}

/** Which fan the Kaiming initialisers scale by: `fanIn` preserves activations' variance, `fanOut` gradients'. */
export type FanMode = 'fanIn' | 'fanOut';

/** Options of {@link kaimingUniform} and {@link kaimingNormal} (PyTorch `kaiming_*_`'s arguments). */
export interface KaimingOptions {
  /** The negative slope of the leaky ReLU that follows (only used with 'leaky_relu'); default 0. */
  a?: number;
  /** 'fanIn' (default) keeps the forward pass's variance; 'fanOut' the backward pass's. */
  mode?: FanMode;
  /** Default 'leaky_relu', as PyTorch (with a = 0 that is ReLU's gain √2). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, shape: Shape, opts: KaimingOptions): number {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu' } = opts;
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new Error(`${op}: mode must be 'fanIn' or 'fanOut', got '${mode as string}'`);
  return calculateGain(nonlinearity, a) / Math.sqrt(fans(shape)[mode]);
}

/**
 * He initialisation, uniform (He et al. 2015; PyTorch's `kaiming_uniform_`): U(−bound, bound) with
 * bound = gain · √(3 / fan). PyTorch's default Linear and Conv2d weights use it with a = √5, which gives
 * bound = 1/√fanIn.
 * @example const w = kaimingUniform([64, 3, 3, 3], { nonlinearity: 'relu' });
 */
export function kaimingUniform(shape: Shape, opts: KaimingOptions = {}, create: CreateOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', shape, opts);
  return uniform(shape, -bound, bound, create);
}

/** He initialisation, normal: N(0, std²) with std = gain / √fan (PyTorch's `kaiming_normal_`). */
export function kaimingNormal(shape: Shape, opts: KaimingOptions = {}, create: CreateOptions = {}): Tensor {
  return normal(shape, 0, kaimingStd('kaimingNormal', shape, opts), create);
}

function xavierStd(shape: Shape, gain: number): number {
  const { fanIn, fanOut } = fans(shape);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * Glorot initialisation, uniform (Glorot & Bengio 2010; PyTorch's `xavier_uniform_`): U(−a, a) with
 * a = gain · √(6 / (fanIn + fanOut)).
 */
export function xavierUniform(shape: Shape, gain = 1, create: CreateOptions = {}): Tensor {
  const bound = Math.sqrt(3) * xavierStd(shape, gain);
  return uniform(shape, -bound, bound, create);
}

/** Glorot initialisation, normal: N(0, std²) with std = gain · √(2 / (fanIn + fanOut)). */
export function xavierNormal(shape: Shape, gain = 1, create: CreateOptions = {}): Tensor {
  return normal(shape, 0, xavierStd(shape, gain), create);
}

/** All zeros (biases; BatchNorm's running mean). */
export const zeros = (shape: Shape, create: CreateOptions = {}): Tensor => initialised(shape, create, 0, () => full(shape, 0, create));
/** All ones (LayerNorm and BatchNorm weights; BatchNorm's running variance). */
export const ones = (shape: Shape, create: CreateOptions = {}): Tensor => initialised(shape, create, 1, () => full(shape, 1, create));
