/**
 * markdown-it additions for the site.
 *
 * - `liveFences`: on a chapter page (`NN-name.md`), every ```ts block is wrapped in
 *   `<div class="live-block" data-code="…">` for the live code (live/page.ts), a ```ts norun block is
 *   marked as shown-but-not-run, and a ```text prints block as the output the chapter promises — the
 *   same fences, in the same order, that tutorials.test.ts runs and checks.
 * - `repoLinks`: relative links and images are rewritten from the repository's layout to the site's
 *   (repo-pages.ts), so the chapters keep linking `../packages/tensor/README.md` as on GitHub.
 */
import type { MarkdownRenderer as MarkdownIt } from 'vitepress';
import { mapLink } from './repo-pages.js';

/** A chapter's page (relative to docs/): the pages whose ```ts blocks run. */
export const isChapter = (relativePath: string) => /^\d\d-[^/]+\.md$/.test(relativePath);

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Env {
  relativePath?: string;
}

export function liveFences(md: MarkdownIt): void {
  const fence = md.renderer.rules.fence;
  if (!fence) throw new Error('liveFences: markdown-it has no fence renderer to wrap');
  md.renderer.rules.fence = (tokens, idx, options, env: Env, self) => {
    const html = fence(tokens, idx, options, env, self);
    if (!env.relativePath || !isChapter(env.relativePath)) return html;
    const token = tokens[idx];
    const info = token.info.trim();
    if (info === 'ts') return `<div class="live-block" data-code="${escapeAttr(token.content)}">${html}</div>`;
    if (info === 'ts norun')
      return `<div class="live-norun">${html}<p class="live-note">Shown, not run here: the page runs the other blocks.</p></div>`;
    if (info === 'text prints') return `<div class="live-prints">${html}</div>`;
    return html;
  };
}

export function repoLinks(md: MarkdownIt): void {
  md.core.ruler.push('setr-repo-links', (state) => {
    const relativePath = (state.env as Env).relativePath;
    if (!relativePath) return;
    for (const block of state.tokens) {
      for (const t of block.children ?? []) {
        const attr = t.type === 'link_open' ? 'href' : t.type === 'image' ? 'src' : null;
        const value = attr && t.attrGet(attr);
        if (!attr || !value) continue;
        const mapped = mapLink(relativePath, value);
        if (!mapped) continue;
        t.attrSet(attr, mapped.href);
        if (mapped.external) t.attrSet('target', '_self');
      }
    }
  });
}
