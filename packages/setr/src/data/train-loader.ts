/**
 * The training loader: an endless stream of augmented batches over a {@link SegmentationDataset}, one
 * seeded shuffle per epoch, with the next batch prepared while the caller computes on the current one,
 * and a state that resumes it exactly.
 *
 * How the randomness is laid out, so that a resumed run repeats the original bit for bit:
 * - one {@link Rng}, seeded once, shuffles each epoch's order when the epoch is entered;
 * - each batch gets its own generator split off that one when the batch is scheduled, and its
 *   samples draw their augmentation from it in slot order.
 * The state is (epoch, position in the epoch's order, the order, the generator) as it stood before the
 * next batch to be handed over was scheduled, so batches prepared ahead never leak into it.
 *
 *   dataset [N, H, W, 3] → batch of B: images [B, 3, cH, cW] float32, labels [B, cH, cW] int32
 */
import type { Backend } from '@setr-ts/tensor';
import { type AugmentOptions, augmentSample } from './augment.js';
import { assembleBatch, type Batch, type HostBatch, prefetch, toBatch } from './batch.js';
import type { SegmentationDataset } from './dataset.js';
import { Rng, type RngState } from './rng.js';

/** Options of {@link TrainLoader}. */
export interface TrainLoaderOptions {
  /** Samples per batch (a positive integer). */
  batchSize: number;
  /** Seeds the shuffles and the augmentation; default 0. */
  seed?: number;
  /** A new random order every epoch (default); `false` keeps the dataset's order. */
  shuffle?: boolean;
  /** Drop an epoch's last, incomplete batch (default true, as for training). */
  dropLast?: boolean;
  /** Augmentation options (`cropSize` defaults to the dataset's size); `false` for none. Default: mmseg's pipeline without photometric distortion. */
  augment?: Partial<AugmentOptions> | false;
  /** Where the batch tensors are created; the current backend unless given. */
  backend?: Backend | string;
}

/** Where a {@link TrainLoader} stands, JSON-safe, for checkpoints. */
export interface LoaderState {
  /** The epoch of the next batch. */
  readonly epoch: number;
  /** Where in `order` the next batch starts. */
  readonly position: number;
  /** This epoch's order of sample indices. */
  readonly order: readonly number[];
  /** The generator's state at that point, so shuffles and augmentations continue identically. */
  readonly rng: RngState;
}

interface Scheduled {
  readonly state: LoaderState;
  readonly epoch: number;
  readonly work: Promise<HostBatch>;
}

/**
 * @example
 * const loader = new TrainLoader(train, { batchSize: 8, seed: 0, augment: { photometric: true } });
 * for (let iter = 0; iter < 1000; iter++) {
 *   const { images, labels } = await loader.next(); // [8, 3, 96, 128] float32, [8, 96, 128] int32
 *   // ... a training step; then images.dispose(), labels.dispose()
 *   if (iter % 100 === 0) save({ loader: loader.state(), ... });
 * }
 * // resuming: new TrainLoader(train, sameOptions).loadState(saved.loader)
 */
export class TrainLoader {
  /** The samples batches are drawn from. */
  readonly dataset: SegmentationDataset;
  /** Samples per batch. */
  readonly batchSize: number;
  private readonly shuffle: boolean;
  private readonly dropLast: boolean;
  private readonly augment: AugmentOptions | null;
  private readonly size: readonly [number, number];
  private readonly backend: Backend | string | undefined;
  private epochIndex = 0;
  private position = 0;
  private order: number[];
  private rng: Rng;
  private ahead: Scheduled | null = null;
  private busy = false;

  constructor(dataset: SegmentationDataset, opts: TrainLoaderOptions) {
    const { batchSize, seed = 0, shuffle = true, dropLast = true, augment = {}, backend } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`TrainLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (dataset.length === 0) throw new Error('TrainLoader: the dataset is empty');
    if (dropLast && batchSize > dataset.length)
      throw new Error(`TrainLoader: batchSize ${batchSize} exceeds the dataset's ${dataset.length} samples, so dropLast leaves no batch`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.augment = augment === false ? null : { cropSize: [dataset.height, dataset.width], ...augment };
    this.size = this.augment?.cropSize ?? [dataset.height, dataset.width];
    this.backend = backend;
    this.rng = new Rng(seed);
    this.order = this.newOrder();
  }

  /** Batches in one epoch. */
  get batchesPerEpoch(): number {
    const n = this.dataset.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** The epoch that the next batch belongs to (0 first). */
  get epoch(): number {
    return this.ahead?.epoch ?? this.epochIndex;
  }

  /** The next batch; epochs follow one another without end. One call at a time. */
  async next(): Promise<Batch> {
    if (this.busy) throw new Error('TrainLoader.next: the previous call has not finished (await it first)');
    this.busy = true;
    try {
      this.ahead ??= this.schedule();
      const host = await this.ahead.work;
      this.ahead = this.schedule(); // the next batch is prepared while the caller works on this one
      return toBatch(host, this.backend);
    } finally {
      this.busy = false;
    }
  }

  /** The batches left in the current epoch. @example for await (const batch of loader.epochBatches()) { ... } */
  async *epochBatches(): AsyncGenerator<Batch> {
    const epoch = this.epoch;
    while (this.epoch === epoch) yield await this.next();
  }

  /** Where the loader stands: restoring it with {@link TrainLoader.loadState} repeats every later batch exactly. */
  state(): LoaderState {
    return this.ahead?.state ?? this.snapshot();
  }

  /** Continues from a saved {@link LoaderState} (a batch prepared ahead is dropped). Returns this. */
  loadState(saved: LoaderState): this {
    const n = this.dataset.length;
    const { epoch, position, order } = saved;
    if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`TrainLoader.loadState: epoch must be a non-negative integer, got ${epoch}`);
    if (
      !Array.isArray(order) ||
      order.length !== n ||
      new Set(order).size !== n ||
      !order.every((i) => Number.isInteger(i) && i >= 0 && i < n)
    )
      throw new Error(`TrainLoader.loadState: order must be a permutation of 0..${n - 1} (the dataset has ${n} samples)`);
    if (!Number.isInteger(position) || position < 0 || position >= n)
      throw new Error(`TrainLoader.loadState: position must be an integer in [0, ${n}), got ${position}`);
    this.rng = Rng.fromState(saved.rng);
    this.epochIndex = epoch;
    this.position = position;
    this.order = [...order];
    this.ahead = null;
    return this;
  }

  private snapshot(): LoaderState {
    return { epoch: this.epochIndex, position: this.position, order: [...this.order], rng: this.rng.state() };
  }

  private newOrder(): number[] {
    const order = Array.from({ length: this.dataset.length }, (_, i) => i);
    return this.shuffle ? this.rng.shuffle(order) : order;
  }

  /** Takes the next batch's samples and generator now; their work runs on later turns of the event loop. */
  private schedule(): Scheduled {
    const state = this.snapshot();
    const epoch = this.epochIndex;
    const indices = this.order.slice(this.position, this.position + this.batchSize);
    const rng = this.rng.split();
    this.position += indices.length;
    const left = this.order.length - this.position;
    if (left === 0 || (this.dropLast && left < this.batchSize)) {
      this.epochIndex++;
      this.position = 0;
      this.order = this.newOrder();
    }
    const augment = this.augment;
    const work = assembleBatch(indices, this.size, (i) => {
      const sample = this.dataset.get(i);
      return augment ? augmentSample(sample, rng, augment) : sample;
    });
    return { state, epoch, work: prefetch(work) };
  }
}
