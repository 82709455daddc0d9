/** `node:url` for the page's programs: file URLs map to the page's memory file system. */
import { resolve } from './path.js';

export function fileURLToPath(u: string | URL): string {
  const url = typeof u === 'string' ? new URL(u) : u;
  if (url.protocol !== 'file:') throw new TypeError(`fileURLToPath: the URL must be of scheme file, got ${url.href}`);
  return decodeURIComponent(url.pathname);
}

export function pathToFileURL(p: string): URL {
  return new URL(`file://${encodeURI(resolve(p))}`);
}

const UrlClass = globalThis.URL;
const Params = globalThis.URLSearchParams;

export { Params as URLSearchParams, UrlClass as URL };
export default { fileURLToPath, pathToFileURL, URL: UrlClass, URLSearchParams: Params };
