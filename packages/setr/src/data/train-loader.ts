/**
 * The training loader: an endless stream of augmented batches over a {@link SegmentationDataset} in
 * memory or a {@link BatchSource} (a split on disk: file-dataset.ts), one seeded shuffle per epoch,
 * with the next batches prepared while the caller computes on the current one, and a state that
 * resumes it exactly.
 *
 * Where the work is done: a dataset in memory is augmented on this thread, on the turns of the event
 * loop the caller leaves free (one batch ahead by default); a batch source makes its batches
 * elsewhere (a split on disk: decoded and augmented on worker threads), `prefetch` batches ahead
 * (default 4), so that memory holds a few batches whatever the split's size, and only the finished
 * pixels come to this thread. (This file imports nothing of Node's: the browser entry trains with it.)
 *
 * How the randomness is laid out, so that a resumed run repeats the original bit for bit:
 * - one {@link Rng}, seeded once, shuffles each epoch's order when the epoch is entered;
 * - each batch gets its own generator split off that one when the batch is scheduled, and its
 *   samples draw their augmentation from it in slot order.
 * The state is (epoch, position in the epoch's order, the order, the generator) as it stood before the
 * next batch to be handed over was scheduled, so batches prepared ahead never leak into it; and since
 * a batch's generator is split off when it is scheduled, how far ahead the loader works, and where,
 * changes no batch: a split on disk gives the batches its pictures give in memory at their own size.
 *
 *   dataset [N, H, W, 3] or N files → batch of B: images [B, 3, cH, cW] float32, labels [B, cH, cW] int32
 */
import type { Backend } from '@setr-ts/tensor';
import { type AugmentOptions, augmentSample } from './augment.js';
import { assembleBatch, type Batch, type HostBatch, prefetch, toBatch } from './batch.js';
import { SegmentationDataset } from './dataset.js';
import { Rng, type RngState } from './rng.js';

/** A batch as a {@link BatchSource} is asked for it: which samples, how augmented, and with which generator. */
export interface BatchRequest {
  /** The dataset indices of the batch's samples, in slot order. */
  readonly indices: readonly number[];
  /** The augmentation; its `cropSize` is the batch's [H, W]. */
  readonly augment: AugmentOptions;
  /** The batch's generator, as scheduled: its samples draw from it in slot order. */
  readonly rng: RngState;
}

/** Samples whose batches are made elsewhere (a split on disk: {@link FileDataset}, on worker threads); their pictures may differ in size. */
export interface BatchSource {
  /** Number of samples. */
  readonly length: number;
  /** The class names, in label order. */
  readonly classNames: readonly string[];
  /** An RGB colour per class. */
  readonly palette: readonly (readonly [number, number, number])[];
  /** The batch `request` describes, normalised and padded to `augment.cropSize`, as the in-memory loader would make it. */
  makeBatch(request: BatchRequest): Promise<HostBatch>;
}

/** What a {@link TrainLoader} draws from: a dataset in memory, or a batch source (a split on disk, its pictures of any size). */
export type TrainingData = SegmentationDataset | BatchSource;

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
  /**
   * Augmentation options (`cropSize` defaults to the size of a dataset in memory; a split on disk
   * needs it); `false` for none (in memory only). Default: mmseg's pipeline without photometric distortion.
   */
  augment?: Partial<AugmentOptions> | false;
  /** Where the batch tensors are created; the current backend unless given. */
  backend?: Backend | string;
  /** Batches being prepared while the caller works: default 1 for a dataset in memory, 4 for a batch source. */
  prefetch?: number;
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
 * const streamed = new TrainLoader(await openDataset('data/ade', 'train'), { batchSize: 8, augment: { cropSize: [512, 512] } });
 * for (let iter = 0; iter < 1000; iter++) {
 *   const { images, labels } = await loader.next(); // [8, 3, 96, 128] float32, [8, 96, 128] int32
 *   // ... a training step; then images.dispose(), labels.dispose()
 *   if (iter % 100 === 0) save({ loader: loader.state(), ... });
 * }
 * // resuming: new TrainLoader(train, sameOptions).loadState(saved.loader)
 */
export class TrainLoader {
  /** The samples batches are drawn from. */
  readonly dataset: TrainingData;
  /** Samples per batch. */
  readonly batchSize: number;
  private readonly shuffle: boolean;
  private readonly dropLast: boolean;
  private readonly augment: AugmentOptions | null;
  private readonly size: readonly [number, number];
  private readonly backend: Backend | string | undefined;
  private readonly prefetch: number;
  private epochIndex = 0;
  private position = 0;
  private order: number[];
  private rng: Rng;
  /** The batches scheduled and not yet handed over, oldest first. */
  private ahead: Scheduled[] = [];
  private busy = false;

  constructor(dataset: TrainingData, opts: TrainLoaderOptions) {
    const { batchSize, seed = 0, shuffle = true, dropLast = true, augment = {}, backend } = opts;
    const inMemory = dataset instanceof SegmentationDataset;
    const { prefetch = inMemory ? 1 : 4 } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`TrainLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(prefetch) || prefetch < 1) throw new Error(`TrainLoader: prefetch must be a positive integer, got ${prefetch}`);
    if (dataset.length === 0) throw new Error('TrainLoader: the dataset is empty');
    if (dropLast && batchSize > dataset.length)
      throw new Error(`TrainLoader: batchSize ${batchSize} exceeds the dataset's ${dataset.length} samples, so dropLast leaves no batch`);
    const size = (augment !== false && augment.cropSize) || (inMemory ? ([dataset.height, dataset.width] as const) : null);
    if (!size || (!inMemory && augment === false))
      throw new Error('TrainLoader: a split on disk (its pictures of any size) needs augment.cropSize, the size of its batches');
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.augment = augment === false ? null : { ...augment, cropSize: size };
    this.size = size;
    this.backend = backend;
    this.prefetch = prefetch;
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
    return this.ahead[0]?.epoch ?? this.epochIndex;
  }

  /** The next batch; epochs follow one another without end. One call at a time. */
  async next(): Promise<Batch> {
    if (this.busy) throw new Error('TrainLoader.next: the previous call has not finished (await it first)');
    this.busy = true;
    try {
      this.scheduleAhead();
      const host = await this.ahead[0].work;
      this.ahead.shift();
      this.scheduleAhead(); // the next batches are prepared while the caller works on this one
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
    return this.ahead[0]?.state ?? this.snapshot();
  }

  /** Continues from a saved {@link LoaderState} (the batches prepared ahead are dropped). Returns this. */
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
    this.ahead = [];
    return this;
  }

  private snapshot(): LoaderState {
    return { epoch: this.epochIndex, position: this.position, order: [...this.order], rng: this.rng.state() };
  }

  private newOrder(): number[] {
    const order = Array.from({ length: this.dataset.length }, (_, i) => i);
    return this.shuffle ? this.rng.shuffle(order) : order;
  }

  private scheduleAhead(): void {
    while (this.ahead.length < this.prefetch) this.ahead.push(this.schedule());
  }

  /** Takes the next batch's samples and generator now; their work runs on later turns of the event loop, or on a worker. */
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
    const { augment, dataset } = this;
    const work =
      dataset instanceof SegmentationDataset
        ? assembleBatch(indices, this.size, (i) => {
            const sample = dataset.get(i);
            return augment ? augmentSample(sample, rng, augment) : sample;
          })
        : dataset.makeBatch({ indices, augment: augment as AugmentOptions, rng: rng.state() });
    return { state, epoch, work: prefetch(work) };
  }
}
