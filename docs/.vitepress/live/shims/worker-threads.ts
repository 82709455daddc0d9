/**
 * `node:worker_threads` in the page: setr's streaming loader (a split on disk, decoded on worker
 * threads) reaches it, and the chapters never stream from disk. A program that does gets an error that
 * says so; `parentPort` is null, as on Node's main thread.
 */
export const parentPort = null;
export const isMainThread = true;

export class Worker {
  constructor() {
    throw new Error("node:worker_threads' Worker is not available in the page (setr's streaming loader runs in Node)");
  }
}

export default { parentPort, isMainThread, Worker };
