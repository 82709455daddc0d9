/**
 * `node:path` for the page's programs: POSIX paths, resolved against the page's working directory
 * (vfs.ts's `/repo`, the repository root the chapters run from in Node).
 */
import { CWD } from './vfs.js';

export const sep = '/';
export const delimiter = ':';

export function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}

/** `a/./b/../c//d/` → `a/c/d/`: `.` and empty segments dropped, `..` applied (kept above a relative start). */
export function normalize(p: string): string {
  if (p === '') return '.';
  const absolute = isAbsolute(p);
  const trailing = p.endsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(part);
  }
  let s = out.join('/');
  if (s === '' && !absolute) s = '.';
  if (s !== '' && trailing) s += '/';
  return absolute ? `/${s}` : s;
}

export function join(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  return joined === '' ? '.' : normalize(joined);
}

export function resolve(...parts: string[]): string {
  let resolved = '';
  for (let i = parts.length - 1; i >= 0 && !isAbsolute(resolved); i--) {
    if (parts[i] !== '') resolved = resolved === '' ? parts[i] : `${parts[i]}/${resolved}`;
  }
  if (!isAbsolute(resolved)) resolved = resolved === '' ? CWD : `${CWD}/${resolved}`;
  const n = normalize(resolved);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

export function dirname(p: string): string {
  if (p === '') return '.';
  const s = p.length > 1 ? p.replace(/\/+$/, '') : p;
  const at = s.lastIndexOf('/');
  if (at < 0) return '.';
  if (at === 0) return '/';
  return s.slice(0, at);
}

export function basename(p: string, ext?: string): string {
  const s = p.length > 1 ? p.replace(/\/+$/, '') : p;
  const base = s.slice(s.lastIndexOf('/') + 1);
  return ext && base.endsWith(ext) && base !== ext ? base.slice(0, -ext.length) : base;
}

export function extname(p: string): string {
  const base = basename(p);
  const at = base.lastIndexOf('.');
  return at <= 0 ? '' : base.slice(at);
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean);
  const b = resolve(to).split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

export interface ParsedPath {
  root: string;
  dir: string;
  base: string;
  ext: string;
  name: string;
}

export function parse(p: string): ParsedPath {
  const base = basename(p);
  const ext = extname(p);
  const dir = p.includes('/') ? dirname(p) : '';
  return { root: isAbsolute(p) ? '/' : '', dir, base, ext, name: ext ? base.slice(0, -ext.length) : base };
}

export function format(p: Partial<ParsedPath>): string {
  const base = p.base ?? `${p.name ?? ''}${p.ext ?? ''}`;
  const dir = p.dir ?? p.root ?? '';
  return dir === '' ? base : dir.endsWith('/') ? dir + base : `${dir}/${base}`;
}

export const toNamespacedPath = (p: string) => p;

const path = {
  sep,
  delimiter,
  isAbsolute,
  normalize,
  join,
  resolve,
  dirname,
  basename,
  extname,
  relative,
  parse,
  format,
  toNamespacedPath,
};
export const posix = path;
export default { ...path, posix };
