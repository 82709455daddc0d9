/**
 * Where a training run keeps its files — the best model, `metrics.json`, the checkpoint — by name: a
 * folder in Node (run-folder.ts), IndexedDB in a browser (indexeddb-run-files.ts). The loop (loop.ts)
 * reads and writes through this and nothing else, so it runs unchanged in both homes, and a run saved
 * in one holds the same bytes as in the other.
 *
 *   best.safetensors, metrics.json, checkpoint.json, epoch-NNN.{model,optim}.safetensors
 */

/** A run's files, by name (no folders): what the training loop reads and writes. */
export interface RunFiles {
  /** The run's place, for messages: a folder's path, or `IndexedDB <database>/<run>`. */
  readonly where: string;
  /** A file of the run as messages name it, e.g. `runs/pup/best.safetensors`. */
  path(name: string): string;
  /** The file's bytes, or null when the run has no such file. */
  read(name: string): Promise<Uint8Array | null>;
  /** Writes the file whole: a reader, or a run killed meanwhile, sees the old bytes or the new, never a part. */
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** Removes the file; nothing happens when there is none. */
  remove(name: string): Promise<void>;
  /** The names of the run's files. */
  list(): Promise<string[]>;
}
