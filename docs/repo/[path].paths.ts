/**
 * The pages under repo/: the package READMEs and the repository files the chapters link to, each at its
 * repository path (`repo/packages/tensor/README.md`, `repo/packages/tensor/src/shape.ts.md`); see
 * ../.vitepress/repo-pages.ts.
 */
import { repoPageContent, repoPages } from '../.vitepress/repo-pages.js';

export default {
  paths() {
    return [...repoPages()].map(([path, kind]) => ({
      params: { path: kind === 'markdown' ? path.replace(/\.md$/, '') : path },
      content: repoPageContent(path),
    }));
  },
};
