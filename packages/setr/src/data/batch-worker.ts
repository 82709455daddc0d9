/**
 * The data worker's module: a worker thread of {@link TrainLoader}'s pool that makes batches from
 * files (file-batch.ts) and moves their pixels to the training thread without copying them.
 */
import { makeFileBatch } from './file-batch.js';
import { servePool } from './worker-pool.js';

servePool(makeFileBatch, (b) => [b.images.buffer as ArrayBuffer, b.labels.buffer as ArrayBuffer]);
