/**
 * The Module tree: names, order, modes, state dicts and checkpoints, including a model whose weights
 * come from PyTorch (tinynet.safetensors) and go back to it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { variable } from '@setr-ts/autograd';
import { full, memory, randn, type Tensor, tensor, zeros } from '@setr-ts/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  Conv2d,
  Dropout,
  Identity,
  LayerNorm,
  Linear,
  loadSafetensors,
  Module,
  ModuleList,
  Parameter,
  ReLU,
  Sequential,
} from '../src/index.js';
import { expectClose, fixture, fixturePath, type TensorJson, toTensor } from './support/fixtures.js';
import { hasTorch, runFixtureScript } from './support/python.js';
import { TinyNet } from './support/tinynet.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny = fixture<{ tinynet: { keys: string[]; input: TensorJson; out: TensorJson; numParameters: number } }>(
  'safetensors.json',
).tinynet;

describe('a model with weights from PyTorch', () => {
  it('has PyTorch state_dict names, in PyTorch order, and its parameter count', () => {
    const net = new TinyNet();
    expect(Object.keys(net.stateDict())).toEqual(tiny.keys);
    expect(net.numParameters()).toBe(tiny.numParameters);
  });

  it('loads the safetensors file PyTorch wrote (strict) and computes what PyTorch computed', async () => {
    const net = new TinyNet().eval();
    const { missingKeys, unexpectedKeys, metadata } = await net.load(fixturePath('tinynet.safetensors'));
    expect([missingKeys, unexpectedKeys, metadata]).toEqual([[], [], { format: 'pt' }]);
    expect((net.stem.at(1) as BatchNorm2d).numBatchesTracked).toBe(17);
    const y = net.forward(variable(toTensor(tiny.input, 'float32')));
    expectClose(y.data, tiny.out, { rtol: 1e-4, atol: 1e-5, what: 'TinyNet output' });
  });

  it.skipIf(!hasTorch)('saves a file PyTorch loads strictly into its TinyNet, with the same output', async () => {
    const net = new TinyNet();
    await net.load(fixturePath('tinynet.safetensors'));
    const path = join(dir, 'tinynet-from-ts.safetensors');
    await net.save(path);
    const out = runFixtureScript('--tinynet', path) as TensorJson & { num_batches_tracked: number };
    expectClose(toTensor(out, 'float32'), tiny.out, { rtol: 1e-5, atol: 1e-6, what: 'PyTorch output on weights saved here' });
    expect(out.num_batches_tracked).toBe(17);
  });
});

describe('state dicts', () => {
  const model = () => new Sequential(new Conv2d(3, 4, 3), new BatchNorm2d(4), new ReLU(), new Conv2d(4, 2, 1, { bias: false }));

  it('lists ALL missing, unexpected and mis-shaped keys in one error, and changes nothing', () => {
    const m = model();
    const before = m.stateDict();
    const sd = m.stateDict();
    delete sd['0.bias'];
    delete sd['1.running_var'];
    sd['3.bias'] = zeros([2]);
    sd.extra = zeros([1]);
    sd['0.weight'] = zeros([4, 3, 5, 5]);
    let message = '';
    try {
      m.loadStateDict(sd);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      'loadStateDict: cannot load the state dict into Sequential:\n' +
        '  missing keys (2): 0.bias, 1.running_var\n' +
        '  unexpected keys (2): 3.bias, extra\n' +
        '  mis-shaped keys (1): 0.weight: checkpoint [4,3,5,5], model [4,3,3,3]',
    );
    for (const [k, t] of Object.entries(m.stateDict())) expect(Array.from(t.dataSync()), k).toEqual(Array.from(before[k].dataSync()));
  });

  it("loads a checkpoint without BatchNorm's num_batches_tracked (a counter, not a weight), keeping the counter", () => {
    const src = model();
    const dst = model();
    dst
      .train()
      .forward(variable(randn([2, 3, 5, 5])))
      .dispose();
    const sd = src.stateDict();
    sd['1.running_mean'].dispose();
    sd['1.running_mean'] = full([4], 0.5);
    sd['1.num_batches_tracked'].dispose();
    delete sd['1.num_batches_tracked'];
    expect(dst.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(Array.from((dst.at(1) as BatchNorm2d).runningMean.dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect((dst.at(1) as BatchNorm2d).numBatchesTracked).toBe(1);
  });

  it('with strict: false, loads what matches and reports the rest; mis-shaped keys still fail', () => {
    const src = model();
    const dst = model();
    const sd = src.stateDict();
    delete sd['0.bias'];
    sd.extra = zeros([1]);
    expect(dst.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['0.bias'], unexpectedKeys: ['extra'] });
    expect(Array.from(dst.stateDict()['0.weight'].dataSync())).toEqual(Array.from(src.stateDict()['0.weight'].dataSync()));
    sd['0.weight'] = zeros([1]);
    expect(() => dst.loadStateDict(sd, { strict: false })).toThrow(/mis-shaped keys \(1\): 0\.weight: checkpoint \[1\], model \[4,3,3,3\]/);
  });

  it('copies on load (the dict stays the caller’s) and converts dtypes, as PyTorch’s copy_', () => {
    const lin = new Linear(2, 1);
    const w = tensor([[1, 2]], undefined, 'float64');
    lin.loadStateDict({ weight: w, bias: tensor([3]) });
    w.dispose();
    expect(lin.weight.dtype).toBe('float32');
    expect(Array.from(lin.weight.data.dataSync())).toEqual([1, 2]);
  });

  it('hands out views the caller owns: they survive parameter updates and disposing them leaves the model intact', () => {
    const lin = new Linear(2, 1);
    const sd = lin.stateDict();
    const old = Array.from(sd.weight.dataSync());
    lin.weight.assign(zeros([1, 2]));
    expect(Array.from(sd.weight.dataSync())).toEqual(old);
    for (const t of Object.values(sd)) t.dispose();
    expect(Array.from(lin.weight.data.dataSync())).toEqual([0, 0]);
  });

  it('round-trips through a file, int32 buffers included', async () => {
    const a = model();
    a.forward(
      variable(
        tensor(
          Array.from({ length: 2 * 3 * 5 * 5 }, (_, i) => Math.sin(i)),
          [2, 3, 5, 5],
        ),
      ),
    );
    const path = join(dir, 'seq.safetensors');
    await a.save(path, { note: 'hi' });
    const b = model();
    expect((await b.load(path)).metadata).toEqual({ note: 'hi' });
    const [sa, sb] = [a.stateDict(), b.stateDict()];
    for (const k of Object.keys(sa)) {
      expect(sb[k].dtype, k).toBe(sa[k].dtype);
      expect(Array.from(sb[k].dataSync()), k).toEqual(Array.from(sa[k].dataSync()));
    }
    expect(Object.keys(await loadSafetensors(path))).toContain('1.num_batches_tracked');
    // without a file system (a browser's IndexedDB): the same bytes, loaded the same way
    const bytes = await a.toBytes({ note: 'hi' });
    expect(bytes).toEqual(new Uint8Array(readFileSync(path)));
    const c = model();
    expect(c.loadBytes(bytes, 'kept bytes').metadata).toEqual({ note: 'hi' });
    const sc = c.stateDict();
    for (const k of Object.keys(sa)) expect(Array.from(sc[k].dataSync()), k).toEqual(Array.from(sa[k].dataSync()));
    expect(() => new Linear(2, 4).loadBytes(bytes, 'kept bytes')).toThrow(/\(loading kept bytes\)$/);
  });

  it('names the file when loading it fails', async () => {
    const path = join(dir, 'lin.safetensors');
    await new Linear(2, 3).save(path);
    await expect(new Linear(2, 4).load(path)).rejects.toThrow(
      `mis-shaped keys (2): weight: checkpoint [3,2], model [4,2], bias: checkpoint [3], model [4]\n  (loading ${path})`,
    );
  });
});

describe('the module tree', () => {
  class Net extends Module {
    readonly a: Linear;
    readonly blocks: ModuleList<Sequential>;
    readonly scale: Parameter;
    constructor() {
      super();
      this.scale = this.registerParameter('scale', new Parameter(tensor([1])));
      this.a = this.registerModule('a', new Linear(2, 2));
      this.blocks = this.registerModule(
        'blocks',
        new ModuleList([new Sequential(new Linear(2, 2), new Dropout(0.5)), new Sequential(new Identity())]),
      );
      this.registerBuffer('step', zeros([]));
      this.registerBuffer('cache', zeros([2]), { persistent: false });
    }
  }

  it('names parameters, buffers and modules with dots, in registration order', () => {
    const n = new Net();
    expect(n.namedParameters().map(([k]) => k)).toEqual(['scale', 'a.weight', 'a.bias', 'blocks.0.0.weight', 'blocks.0.0.bias']);
    expect(n.namedBuffers().map(([k]) => k)).toEqual(['step', 'cache']);
    expect(Object.keys(n.stateDict())).toEqual(['scale', 'step', 'a.weight', 'a.bias', 'blocks.0.0.weight', 'blocks.0.0.bias']);
    expect(n.namedModules().map(([k]) => k)).toEqual(['', 'a', 'blocks', 'blocks.0', 'blocks.0.0', 'blocks.0.1', 'blocks.1', 'blocks.1.0']);
    expect(n.namedChildren().map(([k]) => k)).toEqual(['a', 'blocks']);
    expect(n.numParameters()).toBe(1 + 6 + 6);
    n.a.weight.setRequiresGrad(false);
    expect(n.numParameters({ trainableOnly: true })).toBe(1 + 2 + 6);
  });

  it('counts a shared parameter once', () => {
    const n = new Net();
    n.blocks.at(1).append(n.a);
    expect(n.namedParameters().length).toBe(5);
    expect(n.numParameters()).toBe(13);
    expect(Object.keys(n.stateDict())).toContain('blocks.1.1.weight'); // the state dict lists it under both names, as PyTorch's
  });

  it('switches train/eval recursively and applies functions children first', () => {
    const n = new Net();
    expect(
      n
        .eval()
        .modules()
        .every((m) => !m.training),
    ).toBe(true);
    expect(
      n
        .train()
        .modules()
        .every((m) => m.training),
    ).toBe(true);
    const order: string[] = [];
    n.apply((m) => order.push(m.typeName));
    expect(order).toEqual(['Linear', 'Linear', 'Dropout', 'Sequential', 'Identity', 'Sequential', 'ModuleList', 'Net']);
  });

  it('zeroes gradients, converts dtypes and prints a PyTorch-style tree', () => {
    const n = new Net();
    n.a
      .forward(variable(tensor([[1, 2]])))
      .sum()
      .backward();
    expect(n.a.weight.grad).not.toBeNull();
    n.zeroGrad();
    expect(n.parameters().every((p) => p.grad === null)).toBe(true);
    n.to('float64');
    expect(n.parameters().every((p) => p.dtype === 'float64')).toBe(true);
    expect(n.getBuffer('step').dtype).toBe('float64');
    const bn = new BatchNorm2d(2).to('float64');
    expect(bn.getBuffer('num_batches_tracked').dtype).toBe('int32');
    expect(String(new Sequential(new Conv2d(3, 8, 3, { padding: 1, bias: false }), new LayerNorm(8, { eps: 1e-6 })))).toBe(
      'Sequential(\n' +
        '  (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n' +
        '  (1): LayerNorm((8,), eps=0.000001, elementwise_affine=True)\n' +
        ')',
    );
  });

  it('rejects bad and repeated names, and indices out of range', () => {
    const n = new Net();
    expect(() => n.registerModule('a', new ReLU())).toThrow(/Net: 'a' is already registered/);
    expect(() => n.registerParameter('x.y', null)).toThrow(/name 'x.y' must be non-empty and contain no '\.'/);
    expect(() => n.getBuffer('nope')).toThrow(/Net: no buffer 'nope'/);
    expect(() => n.blocks.at(5)).toThrow(/ModuleList: index 5 is out of range for 2 modules/);
    expect(() => new Linear(2, 2).forward(variable(tensor([1, 2, 3])))).toThrow(/linear: input \[3\] does not fit weight \[2,2\]/);
  });

  it('parameters survive tidy scopes and dispose() frees them', async () => {
    const { tidy } = await import('@setr-ts/autograd');
    const before = memory().numTensors;
    const lin = tidy(() => new Linear(3, 3));
    expect(lin.weight.data.isDisposed).toBe(false);
    const sd: Record<string, Tensor> = lin.stateDict();
    for (const t of Object.values(sd)) t.dispose();
    lin.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
