"""Golden values from PyTorch for the autograd package: a two-layer attention block, forward and backward.

Run from anywhere (Debian's python3-torch, torch 1.13, CPU only):

    /usr/bin/python3 packages/autograd/scripts/gen_fixtures.py

It rewrites packages/autograd/test/fixtures/attention-block.json (committed; test/attention-fixture.test.ts
reads it, so CI needs no Python). Deterministic: inputs come from a torch.Generator with a fixed seed,
everything is float64, and the file is written atomically (temp file + rename).

The block is a pre-norm transformer layer, applied twice with separate weights:
    h = layer_norm(x);  q, k, v = linear(h) split into heads;  a = softmax(causal(q kᵀ / √dh))
    x = x + linear(a v);  x = x + linear(gelu(linear(layer_norm(x))))
The loss is sum(out · r) for a fixed random r, so every output element gets a different gradient.

Format: {"generator", "torch", "config", "x", "r", "params": {name: tensor}, "out", "loss",
"grads": {"x" and each param name: tensor}}, tensors as {"shape": [...], "data": [...]} (row-major,
float64 written by Python's repr, which reads back exactly).
"""
import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'attention-block.json')
B, T, D, H, HIDDEN, LAYERS = 2, 5, 8, 2, 16, 2


def linear(x, p, name):
    return F.linear(x, p[name + '.weight'], p[name + '.bias'])


def block(x, p, prefix):
    dh = D // H
    h = F.layer_norm(x, (D,), p[prefix + 'ln1.weight'], p[prefix + 'ln1.bias'])
    q, k, v = (linear(h, p, prefix + n).view(B, T, H, dh).transpose(1, 2) for n in ('q', 'k', 'v'))
    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
    causal = torch.ones(T, T, dtype=torch.bool).triu(1)  # True above the diagonal: future positions
    a = scores.masked_fill(causal, float('-inf')).softmax(-1)
    o = (a @ v).transpose(1, 2).reshape(B, T, D)
    x = x + linear(o, p, prefix + 'proj')
    h = F.layer_norm(x, (D,), p[prefix + 'ln2.weight'], p[prefix + 'ln2.bias'])
    return x + linear(F.gelu(linear(h, p, prefix + 'fc1')), p, prefix + 'fc2')


def param_shapes():
    shapes = {}
    for layer in range(LAYERS):
        pre = f'layers.{layer}.'
        for ln in ('ln1', 'ln2'):
            shapes[pre + ln + '.weight'] = (D,)
            shapes[pre + ln + '.bias'] = (D,)
        for n in ('q', 'k', 'v', 'proj'):
            shapes[pre + n + '.weight'] = (D, D)
            shapes[pre + n + '.bias'] = (D,)
        shapes[pre + 'fc1.weight'] = (HIDDEN, D)
        shapes[pre + 'fc1.bias'] = (HIDDEN,)
        shapes[pre + 'fc2.weight'] = (D, HIDDEN)
        shapes[pre + 'fc2.bias'] = (D,)
    return shapes


def tensor_json(t):
    return {'shape': list(t.shape), 'data': [float(v) for v in t.detach().reshape(-1).tolist()]}


def main():
    g = torch.Generator().manual_seed(20240611)
    randn = lambda *shape, scale=1.0: (torch.randn(shape, generator=g, dtype=torch.float64) * scale)
    params = {}
    for name, shape in param_shapes().items():
        if name.endswith(('ln1.weight', 'ln2.weight')):
            params[name] = 1 + randn(*shape, scale=0.1)  # layer-norm gains near 1, as after init
        else:
            params[name] = randn(*shape, scale=1 / math.sqrt(shape[-1]))  # fan-in scaling keeps activations O(1)
        params[name].requires_grad_(True)
    x = randn(B, T, D).requires_grad_(True)
    r = randn(B, T, D)

    out = x
    for layer in range(LAYERS):
        out = block(out, params, f'layers.{layer}.')
    loss = (out * r).sum()
    loss.backward()

    doc = {
        'generator': 'packages/autograd/scripts/gen_fixtures.py',
        'torch': torch.__version__,
        'config': {'batch': B, 'tokens': T, 'dim': D, 'heads': H, 'hidden': HIDDEN, 'layers': LAYERS},
        'x': tensor_json(x),
        'r': tensor_json(r),
        'params': {n: tensor_json(p) for n, p in params.items()},
        'out': tensor_json(out),
        'loss': loss.item(),
        'grads': {'x': tensor_json(x.grad), **{n: tensor_json(p.grad) for n, p in params.items()}},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = OUT + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(doc, f)
        f.write('\n')
    os.replace(tmp, OUT)
    print(f'wrote {os.path.relpath(OUT)} (loss {loss.item():.6f})')


if __name__ == '__main__':
    main()
