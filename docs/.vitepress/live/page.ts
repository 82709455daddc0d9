/**
 * Live code on a chapter page: each ```ts block becomes an editor (CodeMirror 6) with Run, its output
 * under it; the chapter's blocks share one program (program.ts) run by a Web Worker (worker.ts).
 *
 * Run on block k first runs, in order, every block before it that has not run with its current text
 * (a block edited since it ran counts as not run, and so does everything after it). Stop terminates the
 * worker; the next Run starts a fresh one from block 1. The toolbar chooses the backend (a change
 * starts a fresh worker) and shows the one that runs, as the tensor package describes it.
 *
 * The markdown side (../markdown.ts) wraps each block in `<div class="live-block" data-code>`; ```ts
 * norun blocks stay as they are, with a note. The DOM carries the state for the browser test:
 * `.live-chapter[data-state]` (`idle`, `running`) and `.live-block[data-state]` (`fresh`, `queued`,
 * `running`, `done`, `error`, `stale`).
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';
import blockTimes from './block-times.json';
import { hashCode } from './hash.js';
import { BACKENDS, type BackendId, type FromWorker, type ToWorker } from './protocol.js';

type BlockState = 'fresh' | 'queued' | 'running' | 'done' | 'error' | 'stale';

interface Block {
  readonly index: number;
  readonly root: HTMLElement;
  readonly original: string;
  readonly view: EditorView;
  readonly output: HTMLElement;
  readonly status: HTMLElement;
  readonly run: HTMLButtonElement;
  /** The text it last ran with in the current worker, or null. */
  ranWith: string | null;
}

const TIMES = blockTimes as { machine: string; detail?: string; blocks: Record<string, { hash: string; ms: number }> };
const SLOW_MS = 2000;

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const BACKEND_KEY = 'setr-live-backend';

/** The page's choice of backend: `?backend=` in the address, else the last choice, else wasm. */
function initialBackend(): BackendId {
  const fromUrl = new URLSearchParams(location.search).get('backend');
  const stored = localStorage.getItem(BACKEND_KEY);
  const ok = (v: string | null): v is BackendId => BACKENDS.some((b) => b.id === v);
  return ok(fromUrl) ? fromUrl : ok(stored) ? stored : 'wasm';
}

/** One chapter page's live code. */
export class LiveChapter {
  private readonly blocks: Block[] = [];
  private readonly toolbar: HTMLElement;
  private readonly runtime: HTMLElement;
  private readonly backendInfo: HTMLElement;
  private readonly stopButton: HTMLButtonElement;
  private worker: Worker | null = null;
  private ready: Promise<boolean> | null = null;
  private pending: ((ok: boolean) => void) | null = null;
  private running = false;
  private backend: BackendId = initialBackend();
  private smoke: boolean;
  /** The chapter's ```text prints blocks: their lines, and how many live blocks come before each. */
  private readonly prints: { root: HTMLElement; badge: HTMLElement; lines: string[]; after: number }[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly chapter: string,
    private readonly filesBase: string,
  ) {
    this.smoke = new URLSearchParams(location.search).get('smoke') === '1';
    container.classList.add('live-chapter');
    container.dataset.state = 'idle';
    const wrappers = [...container.querySelectorAll<HTMLElement>('.live-block')];
    const first = wrappers[0];
    this.toolbar = el('div', 'live-toolbar');
    const runAll = el('button', 'live-button live-run-all', '▶ Run all');
    runAll.onclick = () => void this.runTo(this.blocks.length - 1);
    this.stopButton = el('button', 'live-button live-stop', '■ Stop');
    this.stopButton.disabled = true;
    this.stopButton.onclick = () => this.stop('stopped');
    const select = el('select', 'live-backend');
    select.title =
      "the tensor package's backend the blocks run on: wasm is WebAssembly SIMD (on Web Workers, all cores, where the page is cross-origin isolated); reference is plain TypeScript; gpujs runs gpu.js kernels on the GPU";
    for (const b of BACKENDS) {
      const o = el('option', '', b.label);
      o.value = b.id;
      select.append(o);
    }
    select.value = this.backend;
    select.onchange = () => {
      this.backend = select.value as BackendId;
      localStorage.setItem(BACKEND_KEY, this.backend);
      this.stop('backend changed');
      this.backendInfo.textContent = `backend: ${this.backend} (starts with the next Run)`;
    };
    const label = el('label', 'live-backend-label', 'backend ');
    label.append(select);
    const smoke = el('input', 'live-smoke');
    smoke.type = 'checkbox';
    smoke.checked = this.smoke;
    smoke.onchange = () => {
      this.smoke = smoke.checked;
      this.stop(`SETR_SMOKE=${this.smoke ? '1' : 'unset'}`);
    };
    const smokeLabel = el('label', 'live-smoke-label');
    smokeLabel.title = "short runs, as the tests run the chapters: process.env.SETR_SMOKE = '1'";
    smokeLabel.append(smoke, ' short runs');
    this.backendInfo = el('span', 'live-backend-info', 'the code runs in this page, in a Web Worker; nothing is installed');
    this.toolbar.append(runAll, this.stopButton, label, smokeLabel, this.backendInfo);
    this.runtime = el('pre', 'live-runtime');
    this.runtime.hidden = true;
    const h1 = container.querySelector('h1');
    if (h1) h1.after(this.toolbar, this.runtime);
    else first?.before(this.toolbar, this.runtime);
    for (const [i, w] of wrappers.entries()) this.blocks.push(this.makeBlock(w, i));
    for (const root of container.querySelectorAll<HTMLElement>('.live-prints')) {
      const lines = (root.querySelector('code')?.textContent ?? '')
        .split('\n')
        .map((l) => l.trimEnd())
        .filter((l) => l !== '');
      const after = wrappers.filter((w) => w.compareDocumentPosition(root) & Node.DOCUMENT_POSITION_FOLLOWING).length;
      const badge = el('p', 'live-match');
      root.append(badge);
      this.prints.push({ root, badge, lines, after });
    }
  }

  /** Marks each ```text prints block whose blocks have all run: are its lines, in order, in their output? */
  private checkPrints(): void {
    for (const p of this.prints) {
      const before = this.blocks.slice(0, p.after);
      if (p.after === 0 || before.some((b) => b.root.dataset.state !== 'done')) {
        p.root.dataset.match = '';
        p.badge.textContent = '';
        continue;
      }
      const printed = before
        .map((b) => b.output.textContent ?? '')
        .join('')
        .split('\n')
        .map((l) => l.trimEnd());
      let at = 0;
      const missing = p.lines.find((want) => {
        while (at < printed.length && printed[at] !== want) at++;
        return at++ >= printed.length;
      });
      p.root.dataset.match = missing === undefined ? 'yes' : 'no';
      p.badge.textContent =
        missing === undefined ? '✓ the blocks above printed these lines' : `✗ the blocks above did not print: ${missing}`;
    }
  }

  private makeBlock(root: HTMLElement, index: number): Block {
    const original = root.dataset.code ?? '';
    const bar = el('div', 'live-bar');
    const run = el('button', 'live-button live-run', '▶ Run');
    run.title = 'Run this block (and the ones before it that have not run): Shift+Enter in the editor';
    const reset = el('button', 'live-button live-reset', '↺');
    reset.title = 'Put back the text of the page';
    const status = el('span', 'live-status');
    bar.append(run, reset, status);
    const timed = TIMES.blocks[`${this.chapter}#${index}`];
    if (timed && timed.hash === hashCode(original) && timed.ms >= SLOW_MS) {
      const slow = el('span', 'live-slow', `takes about ${seconds(timed.ms)} on ${TIMES.machine}`);
      slow.title = `measured by the site's test: ${TIMES.detail ?? TIMES.machine}`;
      bar.append(slow);
    }
    const host = el('div', 'live-editor');
    const output = el('div', 'live-output');
    output.hidden = true;
    root.querySelector(':scope > div[class*="language-"]')?.classList.add('live-static');
    root.append(bar, host, output);
    root.dataset.state = 'fresh';
    const runHere = () => {
      void this.runTo(index);
      return true;
    };
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: original.replace(/\n$/, ''),
        extensions: [
          lineNumbers(),
          history(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(classHighlighter),
          javascript({ typescript: true }),
          keymap.of([
            { key: 'Shift-Enter', run: runHere },
            { key: 'Mod-Enter', run: runHere },
            indentWithTab,
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) this.markEdited(index);
          }),
        ],
      }),
    });
    const block: Block = { index, root, original, view, output, status, run, ranWith: null };
    run.onclick = () => void this.runTo(index);
    reset.onclick = () => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: original.replace(/\n$/, '') } });
    return block;
  }

  private code(b: Block): string {
    return `${b.view.state.doc.toString()}\n`;
  }

  private setState(b: Block, state: BlockState, status = ''): void {
    b.root.dataset.state = state;
    b.status.textContent = status;
    if (state !== 'done') this.checkPrints();
  }

  /** An edited block and everything after it no longer match what ran. */
  private markEdited(index: number): void {
    for (const b of this.blocks.slice(index)) {
      if (b.root.dataset.state === 'done' || b.root.dataset.state === 'error') this.setState(b, 'stale', 'changed since it ran');
    }
  }

  private startWorker(): Promise<boolean> {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: `setr-live ${this.chapter}` });
    this.worker = worker;
    this.runtime.textContent = '';
    this.runtime.hidden = true;
    this.backendInfo.textContent = `starting ${this.backend}…`;
    return new Promise<boolean>((resolve) => {
      worker.onmessage = (e: MessageEvent<FromWorker>) => {
        const m = e.data;
        if (m.type === 'ready') {
          const iso = m.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated: no threads';
          this.backendInfo.textContent = `running on ${m.backend} · ${iso}${this.smoke ? ' · SETR_SMOKE=1' : ''}`;
          this.container.dataset.backend = m.backend;
          resolve(true);
        } else if (m.type === 'failed') {
          this.backendInfo.textContent = `the backend did not start: ${m.message}`;
          resolve(false);
        } else this.receive(m);
      };
      worker.onerror = (e) => {
        this.backendInfo.textContent = `the worker failed: ${e.message}`;
        resolve(false);
        this.pending?.(false);
      };
      const init: ToWorker = { type: 'init', backend: this.backend, filesBase: this.filesBase, env: this.smoke ? { SETR_SMOKE: '1' } : {} };
      worker.postMessage(init);
    });
  }

  private receive(m: FromWorker): void {
    if (m.type === 'print' || m.type === 'picture') {
      const b = m.index === null ? null : this.blocks[m.index];
      const target = b ? b.output : this.runtime;
      target.hidden = false;
      if (m.type === 'print') this.appendText(b ? b.output : this.runtime, m.text, m.stream);
      else {
        const figure = el('figure', 'live-picture');
        const img = el('img', '');
        img.src = URL.createObjectURL(new Blob([m.bytes], { type: m.mime }));
        img.alt = `${m.name}, written by this block`;
        figure.append(img, el('figcaption', '', m.name));
        target.append(figure);
      }
    } else if (m.type === 'done' || m.type === 'error') {
      const b = this.blocks[m.index];
      if (m.type === 'done') this.setState(b, 'done', `ran in ${seconds(m.ms)}`);
      else {
        this.appendText(b.output, `${m.message}${m.where ? `  (at ${m.where})` : ''}\n`, 'err');
        b.output.hidden = false;
        this.setState(b, 'error', `failed after ${seconds(m.ms)}`);
      }
      b.root.dataset.ms = String(Math.round(m.ms));
      this.checkPrints();
      this.pending?.(m.type === 'done');
    }
  }

  private appendText(target: HTMLElement, text: string, stream: 'out' | 'err'): void {
    let pre = target.lastElementChild as HTMLElement | null;
    if (pre?.tagName !== 'PRE') {
      pre = el('pre', 'live-text');
      target.append(pre);
    }
    if (stream === 'err') pre.append(el('span', 'live-err', text));
    else pre.append(text);
  }

  /** Runs block k, after the blocks before it that need to run. */
  async runTo(k: number): Promise<void> {
    if (this.running || k < 0) return;
    this.running = true;
    this.container.dataset.state = 'running';
    this.stopButton.disabled = false;
    for (const b of this.blocks) b.run.disabled = true;
    try {
      // the first block, up to k, that must run: one not run in this worker, or edited since
      let start = this.blocks.findIndex((b, i) => i <= k && b.ranWith !== this.code(b));
      if (start < 0) start = k; // everything up to k ran as it is: run k again
      for (const b of this.blocks.slice(start)) b.ranWith = null; // the worker forgets them
      for (let i = start; i <= k; i++) this.setState(this.blocks[i], 'queued', 'waiting');
      if (!this.worker) this.ready = this.startWorker();
      if (!(await this.ready)) {
        for (let i = start; i <= k; i++) this.setState(this.blocks[i], 'fresh', 'not run: the backend did not start');
        return;
      }
      for (let i = start; i <= k; i++) {
        const b = this.blocks[i];
        const code = this.code(b);
        b.output.replaceChildren();
        b.output.hidden = true;
        this.setState(b, 'running', 'running…');
        const done = new Promise<boolean>((resolve) => {
          this.pending = resolve;
        });
        this.worker?.postMessage({ type: 'run', index: i, code } satisfies ToWorker);
        const ok = await done;
        this.pending = null;
        if (!ok) {
          for (const later of this.blocks.slice(i + 1, k + 1)) {
            if (later.root.dataset.state === 'queued') this.setState(later, 'fresh', 'not run: a block before it failed');
          }
          break;
        }
        b.ranWith = code;
      }
    } finally {
      this.running = false;
      this.container.dataset.state = 'idle';
      this.stopButton.disabled = true;
      for (const b of this.blocks) b.run.disabled = false;
    }
  }

  /** Ends the worker (Stop, or another backend): the next Run starts from the first block. */
  stop(why: string): void {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    this.ready = null;
    for (const b of this.blocks) {
      b.ranWith = null;
      const s = b.root.dataset.state;
      if (s === 'running') {
        this.setState(b, 'error', why);
        this.appendText(b.output, `${why}\n`, 'err');
        b.output.hidden = false;
      } else if (s === 'queued') this.setState(b, 'fresh', why);
      else if (s === 'done' || s === 'error') this.setState(b, 'stale', `${why}: run it again`);
    }
    this.backendInfo.textContent = `${why}; the next Run starts a fresh program`;
    this.pending?.(false);
  }

  dispose(): void {
    this.stop('left the page');
    for (const b of this.blocks) b.view.destroy();
  }
}

/** Makes the live blocks of the page in `container` (a chapter) live; returns what to call on leaving it. */
export function attachLive(container: HTMLElement, chapter: string, filesBase: string): () => void {
  if (!container.querySelector('.live-block')) return () => {};
  const live = new LiveChapter(container, chapter, filesBase);
  return () => live.dispose();
}
