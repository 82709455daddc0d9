/**
 * The tutorials site: VitePress over docs/ (the chapters stay where they are and read the same on
 * GitHub), with the package READMEs and the files the chapters link to as pages (repo-pages.ts), the
 * API reference (typedoc's HTML, built into `api/` by `npm run docs:build`), the web demo (`demo/`),
 * math (MathJax, rendered at build time), local search, and live code: every chapter's ```ts blocks
 * run and can be edited in the page (live/).
 *
 * `npm run docs:dev` serves it with live reload; `npm run docs:build` writes docs/.vitepress/dist/;
 * `npm run docs:preview` serves that build with the cross-origin isolation headers.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { FILES_PREFIX, servedFiles } from './live/served-files.js';
import { liveFences, repoLinks } from './markdown.js';
import { isolation, liveRuntime, servedFilesPlugin } from './plugins.js';
import { chapterFiles, repo } from './repo-pages.js';

const base = '/';

/** The chapters, titled by their first heading. */
const chapters: DefaultTheme.SidebarItem[] = chapterFiles()
  .filter((f) => !f.endsWith('README.md'))
  .map((f) => ({
    text: /^#\s+(.+)$/m.exec(readFileSync(join(repo, f), 'utf8'))?.[1] ?? f,
    link: `/${f.slice('docs/'.length).replace(/\.md$/, '')}`,
  }));

const page = (path: string) => `/repo/${path.replace(/\.md$/, '')}`;

/** The other pages of docs/ (neither a chapter nor the index), titled by their first heading. */
const others: DefaultTheme.SidebarItem[] = readdirSync(join(repo, 'docs'))
  .filter((f) => f.endsWith('.md') && !/^\d\d-/.test(f) && f !== 'README.md')
  .sort()
  .map((f) => ({
    text: /^#\s+(.+)$/m.exec(readFileSync(join(repo, 'docs', f), 'utf8'))?.[1] ?? f,
    link: `/${f.replace(/\.md$/, '')}`,
  }));

const sidebar: DefaultTheme.SidebarItem[] = [
  { text: 'Tutorials', items: [{ text: 'Overview', link: '/' }, ...chapters] },
  ...(others.length > 0 ? [{ text: 'More guides', items: others }] : []),
  {
    text: 'Packages',
    items: [
      { text: '@setr-ts/tensor', link: page('packages/tensor/README.md') },
      { text: '· the wasm backend', link: page('packages/tensor/src/backends/wasm/README.md') },
      { text: '· the gpujs backend', link: page('packages/tensor/src/backends/gpujs/README.md') },
      { text: '· benchmarks', link: page('packages/tensor/bench/README.md') },
      { text: '@setr-ts/autograd', link: page('packages/autograd/README.md') },
      { text: '@setr-ts/nn', link: page('packages/nn/README.md') },
      { text: '@setr-ts/setr', link: page('packages/setr/README.md') },
      { text: 'API reference', link: '/api/index.html', target: '_self' },
    ],
  },
  {
    text: 'Model, data, demo',
    items: [
      { text: 'Web demo (open it)', link: '/demo/index.html', target: '_self' },
      { text: 'Web demo: how it works', link: page('examples/web/README.md') },
      { text: 'The shipped SETR-Tiny model', link: page('models/setr-tiny-mla-camvid/README.md') },
      { text: 'CamVid 96×128 (licence)', link: page('data/camvid/96x128/README.md') },
      { text: 'The project README', link: page('README.md') },
    ],
  },
];

export default defineConfig({
  title: 'setr-ts',
  description: 'A deep-learning framework from scratch in TypeScript, and SETR on top of it: tutorials you can run in the page',
  base,
  srcExclude: ['api/**', 'scripts/**', 'test/**', 'node_modules/**'],
  rewrites: { 'README.md': 'index.md' },
  // the API reference and the demo are served beside the VitePress pages, not by them; localhost is
  // where a README's commands serve things
  ignoreDeadLinks: [/^\/(api|demo)\//, /^https?:\/\/localhost[:/]/],
  markdown: {
    math: true,
    config(md) {
      repoLinks(md);
      liveFences(md);
    },
  },
  themeConfig: {
    nav: [
      { text: 'Tutorials', link: '/01-tensors' },
      { text: 'Packages', link: page('packages/tensor/README.md') },
      { text: 'API', link: '/api/index.html', target: '_self' },
      { text: 'Web demo', link: '/demo/index.html', target: '_self' },
    ],
    sidebar,
    search: { provider: 'local' },
    outline: [2, 3],
    docFooter: { prev: 'Previous', next: 'Next' },
  },
  vite: {
    plugins: [isolation(), liveRuntime(), servedFilesPlugin(base)],
    worker: { format: 'es', plugins: () => [liveRuntime()] },
    // no minifying: gpu.js reads the source text of the functions its kernels call, which a minifier
    // rewrites into what it cannot translate (as in examples/web/vite.config.ts)
    build: { minify: false, chunkSizeWarningLimit: 8000 },
    optimizeDeps: {
      // named up front, so that the first visit of a chapter in development does not reload the page
      include: [
        'gpu.js',
        'sucrase',
        'node-inspect-extracted',
        '@codemirror/commands',
        '@codemirror/lang-javascript',
        '@codemirror/language',
        '@codemirror/state',
        '@codemirror/view',
        '@lezer/highlight',
      ],
    },
    server: { fs: { allow: [repo] } },
  },
  async buildEnd(site) {
    // the files the chapters read from disk in Node, for the page's file system (live/shims/vfs.ts)
    for (const f of servedFiles(repo)) {
      const to = join(site.outDir, FILES_PREFIX, f.path);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(repo, f.path), to);
    }
  },
});
