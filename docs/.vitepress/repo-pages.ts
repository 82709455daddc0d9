/**
 * The repository files the site shows besides the chapters, and where links to them go.
 *
 * The chapters link out of `docs/` to the package READMEs and to source files (`../packages/tensor/src/shape.ts`).
 * VitePress only makes pages of the markdown under its source folder (`docs/`), so every such file becomes
 * a page under `repo/` (a dynamic route, `docs/repo/[path].md`): a README or other markdown file as
 * itself, a source file as one code block. Which files: the READMEs listed below, and every repository
 * file that a chapter or one of those pages links to, followed through markdown transitively. A page's
 * relative links are then rewritten (`mapLink`) from the repository's layout to the site's, so that the
 * same markdown reads right on GitHub and on the site.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing slash. */
export const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Pages the site always has, besides what links reach. */
const ALWAYS = [
  'README.md',
  'packages/tensor/README.md',
  'packages/autograd/README.md',
  'packages/nn/README.md',
  'packages/setr/README.md',
  'examples/web/README.md',
  'models/setr-tiny-mla-camvid/README.md',
  'data/camvid/96x128/README.md',
];

const IMAGE = /\.(png|jpe?g|gif|svg|webp)$/i;
const LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

export type RepoPageKind = 'markdown' | 'source';

/** The chapters and the index, as repository paths (`docs/01-tensors.md`). */
export function chapterFiles(): string[] {
  return readdirSync(`${repo}docs`)
    .filter((f) => /^(\d\d-.+|README)\.md$/.test(f))
    .sort()
    .map((f) => `docs/${f}`);
}

function isFile(path: string): boolean {
  return existsSync(repo + path) && statSync(repo + path).isFile();
}

/** A link's target as a repository path (no hash), or null for external links, anchors and absolute paths. */
function resolveTarget(from: string, href: string): { path: string; hash: string } | null {
  if (/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) return null;
  const at = href.indexOf('#');
  const [file, hash] = at < 0 ? [href, ''] : [href.slice(0, at), href.slice(at)];
  let path = posix.normalize(posix.join(posix.dirname(from), decodeURI(file)));
  if (path.startsWith('..')) return null;
  if (path.endsWith('/')) path = path.slice(0, -1);
  if (existsSync(repo + path) && statSync(repo + path).isDirectory() && isFile(`${path}/README.md`)) path = `${path}/README.md`;
  return { path, hash };
}

const inDocs = (path: string) => path.startsWith('docs/') && !path.startsWith('docs/repo/');

let cache: Map<string, RepoPageKind> | null = null;

/** Every repository page: path → kind. Computed once per process (the dev server restarts on config changes). */
export function repoPages(): Map<string, RepoPageKind> {
  if (cache) return cache;
  const pages = new Map<string, RepoPageKind>();
  const queue = [...chapterFiles(), ...ALWAYS.filter(isFile)];
  for (const p of ALWAYS) if (isFile(p)) pages.set(p, 'markdown');
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i];
    for (const m of readFileSync(repo + from, 'utf8').matchAll(LINK)) {
      const t = resolveTarget(from, m[1]);
      if (!t || inDocs(t.path) || pages.has(t.path) || !isFile(t.path) || IMAGE.test(t.path)) continue;
      const kind: RepoPageKind = t.path.endsWith('.md') ? 'markdown' : 'source';
      pages.set(t.path, kind);
      if (kind === 'markdown') queue.push(t.path);
    }
  }
  cache = pages;
  return pages;
}

/** Where a repository file lives in the site's source tree (relative to docs/), or null if nowhere. */
function sitePath(path: string): string | null {
  if (path.startsWith('docs/api/')) return null;
  if (path === 'docs/README.md') return 'index.md'; // the config's rewrite: the index is the home page
  if (inDocs(path)) return path.slice('docs/'.length);
  const kind = repoPages().get(path);
  if (!kind) return null;
  return kind === 'markdown' ? `repo/${path}` : `repo/${path}.md`;
}

/** The repository path a site page came from (`01-tensors.md` → `docs/01-tensors.md`). */
export function originOf(relativePath: string): string {
  if (!relativePath.startsWith('repo/')) return `docs/${relativePath}`;
  const p = relativePath.slice('repo/'.length);
  return repoPages().get(p) === 'markdown' ? p : p.replace(/\.md$/, '');
}

/**
 * A relative link (or image) of the page `relativePath` rewritten for the site: to the page or figure
 * it reaches there, `{ href, external }` with `external` for what the site serves outside VitePress
 * (the API reference), or null to leave the link as it is.
 */
export function mapLink(relativePath: string, href: string): { href: string; external: boolean } | null {
  const from = originOf(relativePath);
  const t = resolveTarget(from, href);
  if (!t) return null;
  if (t.path === 'docs/api' || t.path.startsWith('docs/api/')) {
    return { href: `/api/${t.path.slice('docs/api/'.length)}${t.hash}`, external: true };
  }
  const to = sitePath(t.path);
  if (to === null) return null;
  const rel = posix.relative(posix.dirname(relativePath), to) || posix.basename(to);
  const href2 = (rel.startsWith('.') ? rel : `./${rel}`) + t.hash;
  return href2 === href ? null : { href: href2, external: false };
}

const FENCE_LANG: Record<string, string> = { ts: 'ts', mts: 'ts', js: 'js', mjs: 'js', json: 'json', py: 'python', sh: 'sh' };

/** The markdown of a repository page: the file itself, or a source file as one code block under its path. */
export function repoPageContent(path: string): string {
  const text = readFileSync(repo + path, 'utf8');
  if (repoPages().get(path) === 'markdown') return text;
  const ext = path.slice(path.lastIndexOf('.') + 1);
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length + 1)));
  return `# ${path}\n\n${ticks}${FENCE_LANG[ext] ?? 'text'} source\n${text.replace(/\n$/, '')}\n${ticks}\n`;
}
