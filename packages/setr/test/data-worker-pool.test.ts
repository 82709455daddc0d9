/**
 * The worker pool under the streaming loader: answers come back to the job that asked, a worker's
 * error to its job only, workers that idled out start again for the next job, and close() turns
 * away what is queued.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HostBatch } from '../src/data/batch.js';
import type { FileBatchJob } from '../src/data/file-batch.js';
import { WorkerPool } from '../src/data/worker-pool.js';
import { type FileDataset, openDataset, Rng } from '../src/index.js';
import { makeMmsegFolder } from './support/layout-fixtures.js';

const entry = new URL('../src/data/batch-worker.js', import.meta.url);
const digest = (b: HostBatch) => createHash('sha256').update(new Uint8Array(b.images.buffer)).digest('hex');

let root: string;
let files: FileDataset;
beforeAll(async () => {
  root = await makeMmsegFolder();
  files = await openDataset(root, 'train');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The job of the batch of `indices`, augmented from generator `seed`. */
const job = (indices: number[], seed: number): FileBatchJob => ({
  indices,
  files: indices.map((i) => files.files[i]),
  labelTable: files.labelTable,
  augment: { cropSize: [16, 16] },
  rng: new Rng(seed).state(),
});

it('answers each job, on any worker, with its own batch; after idling out, the workers start again', async () => {
  const pool = new WorkerPool<FileBatchJob, HostBatch>(entry, 2, 100);
  const jobs = [job([0, 1], 1), job([2, 3], 2), job([1, 2], 3), job([3, 0], 4)];
  const first = await Promise.all(jobs.map((j) => pool.run(j)));
  expect(first.map((b) => b.indices)).toEqual(jobs.map((j) => j.indices));
  await sleep(300); // the workers end
  const again = await Promise.all(jobs.map((j) => pool.run(j)));
  expect(again.map(digest)).toEqual(first.map(digest));
  await pool.close();
});

it('fails only the job whose worker failed, with its error; close() turns away the queued ones', async () => {
  const pool = new WorkerPool<FileBatchJob, HostBatch>(entry, 1);
  const broken = { ...job([0], 1), files: [{ name: 'gone', image: '/no/such/photo.png', label: '/no/such/label.png' }] };
  const [bad, good] = await Promise.allSettled([pool.run(broken), pool.run(job([1], 1))]);
  expect(bad.status === 'rejected' && bad.reason.message).toMatch(/^readImage: cannot read \/no\/such\/photo\.png: it does not exist/);
  expect(good.status).toBe('fulfilled');
  const queued = Promise.allSettled([pool.run(job([0], 1)), pool.run(job([1], 1))]);
  await pool.close();
  expect((await queued).map((q) => q.status === 'rejected' && q.reason.message)).toEqual(['WorkerPool: closed', 'WorkerPool: closed']);
});
