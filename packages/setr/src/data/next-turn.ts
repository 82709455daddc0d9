/**
 * Yielding to the event loop for one turn, in Node and in a browser: a macrotask, so that I/O, timers
 * and a page's rendering get their turn (a resolved promise would run before them). Node has
 * `setImmediate`; a browser has none, and its `setTimeout(0)` waits at least 4 ms once nested, so a
 * message to itself on a `MessageChannel` serves there.
 */

const waiting: (() => void)[] = [];
let channel: MessageChannel | null = null;

function postToSelf(resolve: () => void): void {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  waiting.push(resolve);
  channel.port2.postMessage(null);
}

/**
 * Resolves on a later turn of the event loop.
 * @example for (const item of items) { await nextTurn(); work(item); }   // others run between items
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else postToSelf(resolve);
  });
}
