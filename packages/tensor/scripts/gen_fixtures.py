"""Golden values from PyTorch for the tensor package's subtle ops.

Run from the repository root (Debian's python3-torch, torch 1.13, CPU only; any directory works):

    /usr/bin/python3 packages/tensor/scripts/gen_fixtures.py

It rewrites packages/tensor/test/fixtures/*.json (committed; the tests in test/golden/ read them, so CI
needs no Python). The output is deterministic: every case draws its inputs from its own
torch.Generator seeded by a CRC of a per-case name, so re-running gives byte-identical files and adding a
case does not change the others. Each file is written atomically (temp file + rename).

Inputs are float32. Outputs are PyTorch's float32 results, except erf/gelu and layerNorm: there PyTorch's
float32 kernels lose digits (see pointwise_cases, layer_norm_cases), so those are computed by PyTorch in
float64 from the same float32 inputs and rounded to float32 — the correctly rounded answer.

Format: {"generator", "torch", "cases": [{"name", ..., tensors as {"shape": [...], "data": [...]}}]}.
Values are float32, each written as the shortest decimal that parses back to the same float32;
non-finite values are the strings "inf", "-inf" and "nan" (JSON has no literal for them).
"""
import json
import math
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')


def gen(name):
    """A generator seeded by the case name (stable when cases are added or reordered)."""
    return torch.Generator().manual_seed(zlib.crc32(name.encode()))


def randn(g, shape, scale=1.0, shift=0.0):
    return (torch.randn(shape, generator=g, dtype=torch.float32) * scale + shift).float()


def number(v):
    f = np.float32(v)
    if math.isnan(f):
        return 'nan'
    if math.isinf(f):
        return 'inf' if f > 0 else '-inf'
    short = float(str(f))  # numpy prints the shortest decimal that reads back as this float32
    assert np.float32(short) == f, (v, short)  # the path JS takes: parse to double, round to float32
    return short


def enc(t):
    t = t.detach().to(torch.float32).contiguous()
    return {'shape': list(t.shape), 'data': [number(v) for v in t.reshape(-1).tolist()]}


def conv2d_cases():
    # (name, x shape, w shape, bias, stride, padding, dilation, groups)
    combos = [
        ('plain 3x3 with bias', [2, 3, 7, 6], [4, 3, 3, 3], True, (1, 1), (0, 0), (1, 1), 1),
        ('stride 2 padding 1', [1, 2, 8, 9], [3, 2, 3, 3], True, (2, 2), (1, 1), (1, 1), 1),
        ('dilation 2 padding 2', [1, 2, 9, 7], [2, 2, 3, 3], False, (1, 1), (2, 2), (2, 2), 1),
        ('groups 2 stride (2,1) padding (1,0)', [2, 4, 6, 7], [6, 2, 3, 2], True, (2, 1), (1, 0), (1, 1), 2),
        ('depthwise padding 1', [1, 4, 5, 5], [4, 1, 3, 3], False, (1, 1), (1, 1), (1, 1), 4),
        ('mixed pairs groups 3', [1, 3, 8, 10], [3, 1, 2, 4], True, (1, 3), (0, 2), (2, 1), 3),
        ('1x1', [2, 5, 3, 4], [3, 5, 1, 1], True, (1, 1), (0, 0), (1, 1), 1),
        ('stride 3 leaves edge pixels unused', [1, 1, 10, 11], [2, 1, 3, 3], False, (3, 3), (0, 0), (1, 1), 1),
    ]
    cases = []
    for name, xs, ws, has_bias, stride, padding, dilation, groups in combos:
        g = gen('conv2d ' + name)
        x = randn(g, xs).requires_grad_()
        w = randn(g, ws, scale=0.5).requires_grad_()
        b = randn(g, [ws[0]]) if has_bias else None
        y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
        dy = randn(g, list(y.shape))
        y.backward(dy)
        case = {
            'name': name, 'stride': list(stride), 'padding': list(padding), 'dilation': list(dilation), 'groups': groups,
            'x': enc(x), 'w': enc(w), 'y': enc(y), 'dy': enc(dy), 'dx': enc(x.grad), 'dw': enc(w.grad),
        }
        if b is not None:
            case['bias'] = enc(b)
        cases.append(case)
    return cases


def interpolate_cases():
    # (name, x shape, options); options use the TypeScript names (size, scaleFactor, mode, alignCorners)
    combos = [('nearest up odd', [1, 2, 3, 5], {'size': [7, 8]}),
              ('nearest down 10->4 6->6', [1, 1, 10, 6], {'size': [4, 6]}),
              ('nearest down 10->6', [1, 1, 10, 9], {'size': [6, 5]}),
              ('nearest scale 2', [1, 2, 3, 4], {'scaleFactor': 2}),
              ('nearest scale 1.7', [1, 1, 5, 7], {'scaleFactor': 1.7}),
              ('nearest scale 0.6', [1, 1, 9, 8], {'scaleFactor': 0.6})]
    for ac in (False, True):
        tag = 'alignCorners' if ac else 'half-pixel'
        combos += [
            (f'bilinear {tag} up odd', [1, 2, 5, 7], {'size': [9, 11]}),
            (f'bilinear {tag} down odd', [1, 2, 9, 11], {'size': [5, 4]}),
            (f'bilinear {tag} up and down', [2, 1, 6, 5], {'size': [3, 8]}),
            (f'bilinear {tag} scale 2', [1, 2, 3, 5], {'scaleFactor': 2}),
            (f'bilinear {tag} scale 1.7', [1, 1, 5, 7], {'scaleFactor': 1.7}),
            (f'bilinear {tag} scale 0.6', [1, 1, 9, 8], {'scaleFactor': 0.6}),
            (f'bilinear {tag} scale (1.5,0.75)', [1, 1, 4, 7], {'scaleFactor': [1.5, 0.75]}),
            (f'bilinear {tag} to one row', [1, 1, 4, 5], {'size': [1, 3]}),
        ]
        for c in combos[-8:]:
            c[2].update(mode='bilinear', alignCorners=ac)
    cases = []
    for name, xs, opts in combos:
        g = gen('interpolate ' + name)
        x = randn(g, xs).requires_grad_()
        sf = opts.get('scaleFactor')
        kw = {'mode': opts.get('mode', 'nearest')}
        if 'size' in opts:
            kw['size'] = tuple(opts['size'])
        else:
            kw['scale_factor'] = tuple(sf) if isinstance(sf, list) else sf
        if kw['mode'] == 'bilinear':
            kw['align_corners'] = opts['alignCorners']
        y = F.interpolate(x, **kw)
        dy = randn(g, list(y.shape))
        y.backward(dy)
        cases.append({'name': name, 'options': opts, 'x': enc(x), 'y': enc(y), 'dy': enc(dy), 'dx': enc(x.grad)})
    return cases


def with_masked(t, positions, value):
    t = t.clone()
    for p in positions:
        t[p] = value
    return t


def softmax_cases():
    inf = float('inf')
    combos = [
        ('logits x30 dim -1', randn(gen('softmax a'), [4, 7], scale=30), -1),
        ('logits around 1000 dim 1', randn(gen('softmax b'), [3, 5, 4], scale=5, shift=1000), 1),
        ('logits around -1000 dim 0', randn(gen('softmax c'), [6, 3], scale=5, shift=-1000), 0),
        ('masked with -inf', with_masked(randn(gen('softmax d'), [3, 6], scale=4), [(0, 1), (0, 4), (2, 0)], -inf), -1),
        ('row all -inf is nan', with_masked(randn(gen('softmax e'), [2, 3]), [(1, 0), (1, 1), (1, 2)], -inf), 1),
        ('one element rows', randn(gen('softmax f'), [4, 1], scale=100), 1),
    ]
    return [{'name': n, 'dim': d, 'x': enc(x), 'softmax': enc(torch.softmax(x, d)), 'logSoftmax': enc(torch.log_softmax(x, d))}
            for n, x, d in combos]


def layer_norm_cases():
    combos = [
        ('no affine', [3, 10], 1, False, 1e-5, 0.0),
        ('affine', [3, 10], 1, True, 1e-5, 0.0),
        ('affine over two dims', [2, 3, 4], 2, True, 1e-5, 0.0),
        ('large mean, eps 1e-3', [4, 8], 1, True, 1e-3, 1000.0),
        ('constant rows', [2, 5], 1, False, 1e-5, 0.0),
    ]
    cases = []
    for name, xs, k, affine, eps, shift in combos:
        g = gen('layerNorm ' + name)
        x = randn(g, xs, scale=3, shift=shift)
        if name == 'constant rows':
            x = torch.full(xs, 2.5)
        ns = xs[-k:]
        w = randn(g, ns, scale=0.5, shift=1) if affine else None
        b = randn(g, ns) if affine else None
        # float64, then rounded: in float32 PyTorch's x - mean loses digits when |mean| >> std (1e-5 relative at 1000)
        double = (lambda t: None if t is None else t.double())
        y, mean, rstd = torch.native_layer_norm(x.double(), ns, double(w), double(b), eps)
        lead = xs[:-k]
        case = {'name': name, 'normalizedShape': ns, 'eps': eps, 'x': enc(x), 'y': enc(y),
                'mean': enc(mean.reshape(lead)), 'rstd': enc(rstd.reshape(lead))}
        if affine:
            case.update(weight=enc(w), bias=enc(b))
        cases.append(case)
    return cases


def pointwise_cases():
    grid = torch.linspace(-8, 8, 161)
    special = torch.tensor([0.0, -0.0, 1e-4, -1e-4, 1e-8, 2.9999, 3.0001, 5.9, 6.1, -6.1, 10.0, -10.0, 30.0])
    x = torch.cat([grid, special, randn(gen('pointwise random'), [40], scale=3)])
    # float64, then rounded: in float32 PyTorch's 1 + erf(x/sqrt 2) cancels for x << 0 (1e-3 relative error near x = -4)
    x64 = x.double()
    return [{'name': 'erf', 'x': enc(x), 'y': enc(torch.erf(x64))},
            {'name': 'gelu (exact)', 'x': enc(x), 'y': enc(F.gelu(x64, approximate='none'))}]


def reduce_cases():
    inf = float('inf')
    cases = []
    var_combos = [
        ('var dim 1', randn(gen('var a'), [5, 7], scale=2), [1], False),
        ('var dim 0 keepdim', randn(gen('var b'), [5, 7], scale=2), [0], True),
        ('var all dims', randn(gen('var c'), [3, 4, 5]), None, False),
        ('var dims [0,2] offset 100', randn(gen('var d'), [4, 3, 6], scale=0.1, shift=100), [0, 2], False),
        ('var of one element is nan', randn(gen('var e'), [3, 1]), [1], False),
    ]
    for name, x, dims, keep in var_combos:
        y = torch.var(x, unbiased=True) if dims is None else torch.var(x, dim=dims, unbiased=True, keepdim=keep)
        cases.append({'name': name, 'op': 'var', 'dim': dims, 'keepdim': keep, 'x': enc(x), 'y': enc(y)})
    lse_combos = [
        ('logsumexp dim 1', randn(gen('lse a'), [4, 6], scale=20), [1], False),
        ('logsumexp dims [0,2] around 1000 keepdim', randn(gen('lse b'), [3, 2, 4], scale=3, shift=1000), [0, 2], True),
        ('logsumexp around -1000', randn(gen('lse c'), [2, 5], scale=3, shift=-1000), [1], False),
        ('logsumexp with -inf, all -inf and +inf rows',
         with_masked(randn(gen('lse d'), [4, 3]), [(0, 1), (1, 0), (1, 1), (1, 2), (2, 2)], -inf), [1], False),
    ]
    for name, x, dims, keep in lse_combos:
        if name.startswith('logsumexp with'):
            x[3, 0] = inf
        cases.append({'name': name, 'op': 'logsumexp', 'dim': dims, 'keepdim': keep, 'x': enc(x), 'y': enc(torch.logsumexp(x, dims, keep))})
    return cases


def write(name, cases):
    path = os.path.join(OUT_DIR, name + '.json')
    doc = {'generator': 'packages/tensor/scripts/gen_fixtures.py', 'torch': torch.__version__, 'cases': cases}
    text = json.dumps(doc, sort_keys=True, separators=(',', ':')) + '\n'
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)
    print(f'{os.path.relpath(path)}: {len(cases)} cases, {len(text) // 1024} KiB')


def main():
    torch.set_num_threads(1)  # one thread: summation order (and so every bit) does not depend on the machine
    os.makedirs(OUT_DIR, exist_ok=True)
    write('conv2d', conv2d_cases())
    write('interpolate', interpolate_cases())
    write('softmax', softmax_cases())
    write('layer-norm', layer_norm_cases())
    write('pointwise', pointwise_cases())
    write('reduce', reduce_cases())


if __name__ == '__main__':
    sys.exit(main())
