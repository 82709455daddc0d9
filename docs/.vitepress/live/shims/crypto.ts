/** `node:crypto` for the page's programs: random bytes from the Web Crypto API. */
import { FileBytes } from './vfs.js';

export function randomBytes(n: number): FileBytes {
  return globalThis.crypto.getRandomValues(new FileBytes(n));
}

export const randomUUID = () => globalThis.crypto.randomUUID();
export const webcrypto = globalThis.crypto;
export default { randomBytes, randomUUID, webcrypto };
