#!/usr/bin/python3
"""PyTorch reference values for @setr-ts/nn's tests.

Run with Debian's torch (1.13):  /usr/bin/python3 packages/nn/scripts/gen_fixtures.py
It writes packages/nn/test/fixtures/*.json and *.safetensors, which are committed: the TypeScript tests
read them and never need Python. Every input is drawn from torch.manual_seed, stored in the fixture
next to the outputs, and computed in float64 so the tests can hold our float64 path to ~1e-10.

  --read FILE   parse a safetensors FILE with the hand-written reader below and print it as JSON
                (the TS test suite calls this, when python3 exists, to check that files written by
                the TS side parse here too).
  --tinynet FILE  load a TinyNet state dict saved by the TS side into torch's TinyNet (strict), run it
                on the fixture's input in eval mode and print the output as JSON.
  --torch-load FILE  load a .pth FILE written by the TS side with torch.load, plainly and with
                weights_only=True, and print what each gave as JSON (test/pth.test.ts calls this).

The safetensors python package is not installed here, so the format (8-byte little-endian header
length, JSON header, raw little-endian data) is written and read by hand with struct + json.
"""
import json
import math
import os
import struct
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures')


def T(t):
    """A tensor as {shape, data} (row-major); ints stay ints; NaN becomes null (JSON has no NaN)."""
    t = t.detach()
    data = [None if isinstance(v, float) and math.isnan(v) else v for v in t.reshape(-1).tolist()]
    return {'shape': list(t.shape), 'data': data}


def state(module):
    return {k: T(v) for k, v in module.state_dict().items()}


def randomize(module, seed):
    """Gives every parameter and float buffer non-trivial values (LayerNorm's ones/zeros would hide bugs)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype) * 0.5 + (1.0 if name.endswith('weight') and p.dim() == 1 else 0.0))
        for name, b in module.named_buffers():
            if name.endswith('running_mean'):
                b.copy_(torch.randn(b.shape, generator=g, dtype=b.dtype) * 0.1)
            elif name.endswith('running_var'):
                b.copy_(torch.rand(b.shape, generator=g, dtype=b.dtype) + 0.5)
    return module


def module_case(module, x, seed, **meta):
    """Forward and backward of `module` on `x` with a fixed upstream gradient: loss = sum(out * upstream)."""
    module = module.double()
    before = state(module)
    x = x.double().clone().requires_grad_(True)
    out = module(x)
    g = torch.Generator().manual_seed(seed + 1)
    upstream = torch.randn(out.shape, generator=g, dtype=torch.float64)
    (out * upstream).sum().backward()
    grads = {'input': T(x.grad)}
    grads.update({k: T(p.grad) for k, p in module.named_parameters()})
    case = {'state': before, 'input': T(x), 'out': T(out), 'upstream': T(upstream), 'grads': grads, 'state_after': state(module)}
    case.update(meta)
    return case


def randn(*shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


class TimmAttention(nn.Module):
    """timm's vision_transformer.Attention, written out: one qkv Linear [3D, D], heads split from it, then proj."""

    def __init__(self, dim, num_heads, qkv_bias=True):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


def layers():
    torch.manual_seed(0)
    cases = {}
    cases['linear'] = module_case(randomize(nn.Linear(4, 5), 1), randn(2, 3, 4, seed=2), 3, inFeatures=4, outFeatures=5, bias=True)
    cases['linear_nobias'] = module_case(randomize(nn.Linear(4, 5, bias=False), 4), randn(3, 4, seed=5), 6, inFeatures=4, outFeatures=5, bias=False)
    conv_specs = {
        'conv2d_k3_pad1': dict(in_channels=4, out_channels=6, kernel_size=3, padding=1),
        'conv2d_stride2_dil2_groups2_nobias': dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=2, dilation=2, groups=2, bias=False),
        'conv2d_depthwise': dict(in_channels=4, out_channels=4, kernel_size=3, padding=1, groups=4),
        'conv2d_rect_kernel': dict(in_channels=2, out_channels=3, kernel_size=(1, 3), stride=(1, 2), padding=(0, 1)),
        'conv2d_patch_embed': dict(in_channels=3, out_channels=8, kernel_size=4, stride=4),
    }
    for i, (name, spec) in enumerate(conv_specs.items()):
        conv = randomize(nn.Conv2d(**spec), 10 + i)
        cases[name] = module_case(conv, randn(2, spec['in_channels'], 8, 8, seed=20 + i), 30 + i, options=spec)
    cases['layernorm'] = module_case(randomize(nn.LayerNorm(8, eps=1e-6), 40), randn(2, 3, 8, seed=41), 42, normalizedShape=[8], eps=1e-6)
    cases['layernorm_default_eps'] = module_case(randomize(nn.LayerNorm(6), 43), randn(4, 6, seed=44), 45, normalizedShape=[6], eps=1e-5)

    bn = randomize(nn.BatchNorm2d(3), 50)
    bn.num_batches_tracked.fill_(4)
    cases['batchnorm2d_train'] = module_case(bn.train(), randn(4, 3, 5, 5, seed=51) * 2 + 1, 52, numFeatures=3, training=True)
    bn = randomize(nn.BatchNorm2d(3), 53)
    cases['batchnorm2d_eval'] = module_case(bn.eval(), randn(4, 3, 5, 5, seed=54) * 2 + 1, 55, numFeatures=3, training=False)
    bn = randomize(nn.BatchNorm2d(3, momentum=None), 56)
    bn.num_batches_tracked.fill_(2)
    cases['batchnorm2d_cumulative'] = module_case(bn.train(), randn(2, 3, 4, 4, seed=57), 58, numFeatures=3, training=True, momentum=None)
    bn = randomize(nn.BatchNorm2d(3, momentum=0.3, eps=1e-3, affine=False), 59)
    cases['batchnorm2d_noaffine'] = module_case(bn.train(), randn(2, 3, 4, 4, seed=60), 61, numFeatures=3, training=True, momentum=0.3, eps=1e-3)

    cases['relu'] = module_case(nn.ReLU(), randn(3, 7, seed=70), 71)
    cases['gelu'] = module_case(nn.GELU(), randn(3, 7, seed=72) * 3, 73)
    cases['attention'] = module_case(randomize(TimmAttention(8, 2), 80), randn(2, 5, 8, seed=81), 82, dim=8, numHeads=2)
    cases['attention_4heads_nobias'] = module_case(randomize(TimmAttention(12, 4, qkv_bias=False), 83), randn(1, 6, 12, seed=84), 85, dim=12, numHeads=4, qkvBias=False)
    up_specs = {
        'upsample_bilinear_x2': dict(scale_factor=2, mode='bilinear', align_corners=False),
        'upsample_bilinear_size_aligned': dict(size=(7, 9), mode='bilinear', align_corners=True),
        'upsample_nearest_x2': dict(scale_factor=2, mode='nearest'),
        'upsample_bilinear_x16': dict(scale_factor=16, mode='bilinear', align_corners=False),
    }
    for i, (name, spec) in enumerate(up_specs.items()):
        x = randn(1, 1, 2, 3, seed=90 + i) if spec.get('scale_factor') == 16 else randn(1, 2, 3, 4, seed=90 + i)
        cases[name] = module_case(nn.Upsample(**spec), x, 95 + i, options=spec)
    return cases


def ce_case(logits, target, seed, **kw):
    logits = logits.clone().requires_grad_(True)
    loss = F.cross_entropy(logits, target, **kw)
    g = torch.Generator().manual_seed(seed)
    upstream = torch.randn(loss.shape, generator=g, dtype=torch.float64)
    (loss * upstream).sum().backward()
    opts = {k: (T(v) if isinstance(v, torch.Tensor) else v) for k, v in kw.items()}
    return {'logits': T(logits), 'target': T(target), 'options': opts, 'loss': T(loss), 'upstream': T(upstream), 'grad': T(logits.grad)}


def losses():
    cases = {}
    logits = randn(5, 4, seed=100) * 3
    target = torch.tensor([0, 3, 1, 1, 2])
    weight = torch.tensor([0.2, 1.0, 2.5, 0.7], dtype=torch.float64)
    for red in ['mean', 'sum', 'none']:
        cases[f'ce_2d_{red}'] = ce_case(logits, target, 101, reduction=red)
        cases[f'ce_2d_weight_{red}'] = ce_case(logits, target, 102, reduction=red, weight=weight)
    seg = randn(2, 4, 3, 5, seed=103) * 2
    seg_t = torch.randint(0, 4, (2, 3, 5), generator=torch.Generator().manual_seed(104))
    seg_t[0, 0, :3] = 255
    seg_t[1, 2, 1] = 255
    seg_t[1, 1, 4] = 255
    for red in ['mean', 'sum', 'none']:
        cases[f'ce_seg_ignore_{red}'] = ce_case(seg, seg_t, 105, reduction=red, ignore_index=255)
        cases[f'ce_seg_ignore_weight_{red}'] = ce_case(seg, seg_t, 106, reduction=red, ignore_index=255, weight=weight)
        cases[f'ce_seg_smooth_{red}'] = ce_case(seg, seg_t, 107, reduction=red, ignore_index=255, label_smoothing=0.1)
        cases[f'ce_seg_smooth_weight_{red}'] = ce_case(seg, seg_t, 108, reduction=red, ignore_index=255, weight=weight, label_smoothing=0.2)
    big = torch.tensor([[1000.0, -1000.0, 0.0], [-500.0, 500.0, 499.0]], dtype=torch.float64)
    cases['ce_large_logits'] = ce_case(big, torch.tensor([1, 2]), 109, reduction='mean')
    return cases


def run_optimizer(make, params, grads_per_step):
    """Steps `make(params)` with the given gradients; returns the parameters after every step."""
    ps = [p.clone().requires_grad_(True) for p in params]
    opt = make(ps)
    traj = []
    for grads in grads_per_step:
        for p, g in zip(ps, grads):
            p.grad = None if g is None else g.clone()
        opt.step()
        traj.append([T(p) for p in ps])
    return traj


def optim():
    params = [randn(3, 2, seed=200), randn(4, seed=201)]
    steps = 6
    grads = [[randn(3, 2, seed=210 + s), randn(4, seed=220 + s)] for s in range(steps)]
    # the second parameter misses a gradient at step 2: an optimizer must skip it, not treat it as zero
    grads[2][1] = None
    enc = lambda gs: [[None if g is None else T(g) for g in step] for step in gs]
    cases = {}
    sgd = {
        'sgd_plain': dict(lr=0.1),
        'sgd_momentum_wd': dict(lr=0.05, momentum=0.9, weight_decay=1e-2),
        'sgd_nesterov': dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
        'sgd_dampening': dict(lr=0.05, momentum=0.8, dampening=0.3),
    }
    for name, kw in sgd.items():
        cases[name] = {'kind': 'sgd', 'options': kw, 'traj': run_optimizer(lambda ps: torch.optim.SGD(ps, **kw), params, grads)}
    adamw = {
        'adamw_default': dict(),
        'adamw_custom': dict(lr=3e-3, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
        'adamw_amsgrad': dict(lr=1e-2, amsgrad=True),
    }
    for name, kw in adamw.items():
        cases[name] = {'kind': 'adamw', 'options': kw, 'traj': run_optimizer(lambda ps: torch.optim.AdamW(ps, **kw), params, grads)}
    # parameter groups: the second group (a "head") at 10x the lr and no weight decay
    groups = lambda ps: [{'params': [ps[0]]}, {'params': [ps[1]], 'lr': 1e-2, 'weight_decay': 0.0}]
    cases['sgd_groups'] = {'kind': 'sgd', 'options': dict(lr=1e-3, momentum=0.9, weight_decay=1e-4), 'groups': [{}, {'lr': 1e-2, 'weight_decay': 0.0}],
                           'traj': run_optimizer(lambda ps: torch.optim.SGD(groups(ps), lr=1e-3, momentum=0.9, weight_decay=1e-4), params, grads)}
    cases['adamw_groups'] = {'kind': 'adamw', 'options': dict(lr=1e-3, weight_decay=0.05), 'groups': [{}, {'lr': 1e-2, 'weight_decay': 0.0}],
                             'traj': run_optimizer(lambda ps: torch.optim.AdamW(groups(ps), lr=1e-3, weight_decay=0.05), params, grads)}
    for c in cases.values():
        c['params'] = [T(p) for p in params]
        c['grads'] = enc(grads)
    # clip_grad_norm_ over two gradients, 2-norm and inf-norm, clipping and not clipping
    clip = {}
    for name, (max_norm, norm_type) in {'l2_clips': (1.0, 2.0), 'l2_no_clip': (100.0, 2.0), 'inf_clips': (0.5, math.inf)}.items():
        ps = [p.clone().requires_grad_(True) for p in params]
        for p, g in zip(ps, grads[0]):
            p.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        clip[name] = {'maxNorm': max_norm, 'normType': 'inf' if norm_type == math.inf else norm_type, 'grads': [T(g) for g in grads[0]],
                      'totalNorm': total.item(), 'clipped': [T(p.grad) for p in ps]}
    return {'optimizers': cases, 'clip': clip}


def schedules():
    """Learning rates over iterations from torch's schedulers (stepped once per iteration)."""

    def trace(make, iters, base_lrs=(0.1, 1.0)):
        ps = [torch.zeros(1, requires_grad=True) for _ in base_lrs]
        opt = torch.optim.SGD([{'params': [p], 'lr': lr} for p, lr in zip(ps, base_lrs)], lr=base_lrs[0])
        sched = make(opt)
        lrs = []
        for _ in range(iters):
            lrs.append([g['lr'] for g in opt.param_groups])
            opt.step()
            sched.step()
        return {'baseLrs': list(base_lrs), 'lrs': lrs}

    S = torch.optim.lr_scheduler
    out = {
        'poly': trace(lambda o: S.PolynomialLR(o, total_iters=20, power=0.9), 25) | {'maxIters': 20, 'power': 0.9},
        'cosine': trace(lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=1e-3), 20) | {'maxIters': 20, 'minLr': 1e-3},
        'linear_warmup': trace(lambda o: S.LinearLR(o, start_factor=1e-2, end_factor=1.0, total_iters=5), 10) | {'warmupIters': 5, 'startFactor': 1e-2},
        # warmup multiplied onto poly from iteration 0 (mmcv's warmup; torch's ChainedScheduler)
        'chained_warmup_poly': trace(lambda o: S.ChainedScheduler([S.LinearLR(o, start_factor=0.1, total_iters=5), S.PolynomialLR(o, total_iters=20, power=0.9)]), 22)
        | {'warmupIters': 5, 'startFactor': 0.1, 'maxIters': 20, 'power': 0.9},
        # warmup, then poly starting afresh at the milestone (torch's SequentialLR)
        'sequential_warmup_poly': trace(lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.PolynomialLR(o, total_iters=15, power=0.9)], milestones=[5]), 22)
        | {'warmupIters': 5, 'startFactor': 0.1, 'maxIters': 15, 'power': 0.9},
    }
    # mmseg's poly with a floor (SETR's schedule; torch 1.13 has no min_lr): (base - min) * (1 - t/T)^p + min
    base, min_lr, T_, p = [0.01, 0.1], 1e-4, 20, 0.9
    out['poly_min_lr'] = {'baseLrs': base, 'maxIters': T_, 'power': p, 'minLr': min_lr,
                          'lrs': [[(b - min_lr) * (1 - min(t, T_) / T_) ** p + min_lr for b in base] for t in range(25)]}
    return out


# ----- safetensors by hand -----

DTYPES = {torch.float32: 'F32', torch.float64: 'F64', torch.int32: 'I32', torch.int64: 'I64', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.uint8: 'U8'}
FROM = {v: k for k, v in DTYPES.items()}
SIZES = {'F32': 4, 'F64': 8, 'I32': 4, 'I64': 8, 'F16': 2, 'BF16': 2, 'U8': 1}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the bits
        t = t.view(torch.int16)
    return t.numpy().astype(t.numpy().dtype.newbyteorder('<')).tobytes()


def write_safetensors(path, tensors, metadata=None):
    header, chunks, pos = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name, t in tensors.items():
        b = tensor_bytes(t)
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [pos, pos + len(b)]}
        chunks.append(b)
        pos += len(b)
    h = json.dumps(header).encode()
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(chunks))


def read_safetensors(path):
    data = open(path, 'rb').read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop('__metadata__', {})
    body = data[8 + n:]
    out = {}
    for name, e in header.items():
        a, b = e['data_offsets']
        raw = bytearray(body[a:b])
        dt = FROM[e['dtype']]
        assert len(raw) == SIZES[e['dtype']] * math.prod(e['shape']), name
        t = torch.frombuffer(raw, dtype=torch.int16 if dt == torch.bfloat16 else dt) if raw else torch.empty(0, dtype=dt)
        if dt == torch.bfloat16:
            t = t.view(torch.bfloat16)
        out[name] = t.reshape(e['shape'])
    return out, meta


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = TimmAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class TinyNet(nn.Module):
    """A small model whose state_dict names exercise nesting, ModuleList, Sequential and BatchNorm buffers."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.blocks = nn.ModuleList([Block(8, 2) for _ in range(2)])
        self.norm = nn.LayerNorm(8, eps=1e-6)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        x = self.stem(x)  # [N, 8, H, W]
        x = x.flatten(2).transpose(1, 2)  # tokens [N, HW, 8]
        for b in self.blocks:
            x = b(x)
        return self.head(self.norm(x))


def safetensors_fixtures():
    g = torch.Generator().manual_seed(300)
    tensors = {
        'f32': torch.randn(2, 3, generator=g),
        'f64': torch.randn(4, generator=g, dtype=torch.float64),
        'i64': torch.tensor([[0, -1], [2 ** 31 - 1, -2 ** 31]], dtype=torch.int64),
        'i32': torch.tensor([7, -8, 9], dtype=torch.int32),
        'f16': torch.tensor([1.5, -2.25, 65504.0, 6.1e-5, 5.96e-8, 0.0], dtype=torch.float16),
        'bf16': torch.tensor([1.0, -3.140625, 1e30, 0.0078125], dtype=torch.bfloat16),
        'u8': torch.tensor([0, 1, 255], dtype=torch.uint8),
        'scalar': torch.tensor(3.5),
        'empty': torch.zeros(0, 3),
    }
    write_safetensors(os.path.join(OUT, 'from_torch.safetensors'), tensors, {'format': 'pt', 'note': 'written by gen_fixtures.py'})
    expect = {k: T(v.double() if v.is_floating_point() else v.long()) | {'dtype': DTYPES[v.dtype]} for k, v in tensors.items()}

    torch.manual_seed(301)
    net = randomize(TinyNet(), 302).eval()
    with torch.no_grad():
        net.stem[1].num_batches_tracked.fill_(17)
    x = torch.randn(2, 3, 4, 4, generator=g)
    with torch.no_grad():
        y = net(x)
    write_safetensors(os.path.join(OUT, 'tinynet.safetensors'), net.state_dict(), {'format': 'pt'})
    tiny = {'keys': list(net.state_dict().keys()), 'input': T(x), 'out': T(y), 'numParameters': sum(p.numel() for p in net.parameters())}
    return {'from_torch': expect, 'tinynet': tiny}


# ----- .pth files, written by torch.save itself (its ZIP format) -----

def pth_state_dict():
    """A state dict as model.state_dict() gives it (an OrderedDict with _metadata, so data.pkl has a BUILD),
    plus every dtype torch.save writes for a state dict and views that share a storage."""
    g = torch.Generator().manual_seed(400)
    net = randomize(nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3)), 401)
    net[1].num_batches_tracked.fill_(12345)
    sd = net.state_dict()
    sd['dtypes.f64'] = torch.randn(3, generator=g, dtype=torch.float64)
    sd['dtypes.f32_special'] = torch.tensor([float('nan'), float('inf'), -float('inf'), -0.0, 1e-45, 3.4028235e38])
    sd['dtypes.i64'] = torch.tensor([[0, -1], [2 ** 31 - 1, -2 ** 31]], dtype=torch.int64)
    sd['dtypes.i32'] = torch.tensor([7, -8, 2 ** 31 - 1], dtype=torch.int32)
    sd['dtypes.i16'] = torch.tensor([-32768, 32767, 5], dtype=torch.int16)
    sd['dtypes.i8'] = torch.tensor([-128, 127, 0], dtype=torch.int8)
    sd['dtypes.u8'] = torch.tensor([0, 1, 255], dtype=torch.uint8)
    sd['dtypes.bool'] = torch.tensor([True, False, True])
    sd['dtypes.f16'] = torch.tensor([1.5, -2.25, 65504.0, 6.1e-5, 5.96e-8, 0.0], dtype=torch.float16)
    sd['dtypes.bf16'] = torch.tensor([1.0, -3.140625, 1e30, 0.0078125], dtype=torch.bfloat16)
    sd['scalar'] = torch.tensor(3.5)
    sd['scalar_i64'] = torch.tensor(-4)
    sd['empty'] = torch.zeros(0, 3)
    sd['empty_i64'] = torch.zeros(2, 0, dtype=torch.int64)
    base = torch.randn(4, 6, generator=g)
    sd['view.base'] = base
    sd['view.t'] = base.t()  # the same storage, strides (1, 6)
    sd['view.block'] = base[1:3, 2:5]  # offset 8, strides (6, 1)
    sd['view.row'] = base[2]  # offset 12, contiguous
    sd['view.col'] = base[:, 4]  # offset 4, stride 6
    sd['view.every_other'] = base[::2, ::3]  # strides (12, 3)
    sd['view.expand'] = torch.randn(3, 1, generator=g).expand(3, 4)  # a stride of 0
    sd['view.tail'] = torch.arange(10, dtype=torch.float64)[3:7]  # a slice of a storage no other entry holds
    return sd


def pth_fixtures():
    """Writes test/fixtures/pth_*.pth with torch.save, and what each must load as: *_expected.safetensors
    (values in the dtypes the TS reader gives: bool, int8, int16 as I32; the rest as in torch) and pth.json."""
    import numpy as np

    def expected_dtype(t):
        return t.int() if t.dtype in (torch.bool, torch.int8, torch.int16) else t

    def save(name, obj, state, **kw):
        torch.save(obj, os.path.join(OUT, f'{name}.pth'), **kw)
        write_safetensors(os.path.join(OUT, f'{name}_expected.safetensors'), {k: expected_dtype(v.detach()).contiguous() for k, v in state.items()})
        return {'keys': list(state.keys()), 'dtypes': {k: str(v.dtype).replace('torch.', '') for k, v in state.items()}}

    out = {}
    sd = pth_state_dict()
    out['pth_state'] = save('pth_state', sd, sd)

    g = torch.Generator().manual_seed(410)
    small = OrderedDict([('decode_head.conv_seg.weight', torch.randn(2, 4, 1, 1, generator=g)), ('decode_head.conv_seg.bias', torch.randn(2, generator=g))])
    meta = {'mmseg_version': '0.30.0', 'CLASSES': ('road', 'sidewalk'), 'PALETTE': [[128, 64, 128], [244, 35, 232]], 'iter': 160000,
            'lr': 0.01, 'big': 2 ** 40, 'neg': -123456789, 'flag': True, 'nothing': None, 'text': 'ünïcode ✓', 'nested': {'a': [1, 2.5]}}
    optimizer = {'state': {0: {'momentum_buffer': torch.randn(2, 4, 1, 1, generator=g)}}, 'param_groups': [{'lr': 0.01, 'momentum': 0.9, 'params': [0, 1]}]}
    out['pth_checkpoint'] = save('pth_checkpoint', {'meta': meta, 'state_dict': small, 'optimizer': optimizer}, small)
    out['pth_checkpoint']['meta'] = meta
    out['pth_checkpoint']['skipped'] = ['meta (dict)', 'optimizer (dict)']

    # timm/DeiT keep the weights under 'model'; pickle protocol 4 (FRAME, STACK_GLOBAL, MEMOIZE, SHORT_BINUNICODE);
    # an nn.Parameter pickles as torch._utils._rebuild_parameter
    vit = {'cls_token': nn.Parameter(torch.randn(1, 1, 4, generator=g)), 'pos_embed': torch.randn(1, 3, 4, generator=g)}
    out['pth_model_key'] = save('pth_model_key', {'model': vit, 'epoch': 299}, vit, pickle_protocol=4)
    out['pth_model_key']['skipped'] = ['epoch (int)']

    # files that must be refused, each for one reason
    torch.save({'big': torch.tensor([1, 2 ** 40])}, os.path.join(OUT, 'pth_wide_int.pth'))
    torch.save({'w': torch.ones(2)}, os.path.join(OUT, 'pth_legacy.pth'), _use_new_zipfile_serialization=False)
    torch.save({'state_dict': {'w': torch.ones(2)}, 'meta': {'seed': np.int64(42)}}, os.path.join(OUT, 'pth_numpy_meta.pth'))
    return out


def torch_load_report(path):
    """What torch.load makes of a .pth file: tensors (of the state dict, or of checkpoint['state_dict']) and meta, plain and weights_only."""
    def values(t):  # JSON has no NaN or infinities: those become strings
        return [v if math.isfinite(v) else str(v) for v in t.double().reshape(-1).tolist()]

    def report(obj):
        sd = obj['state_dict'] if isinstance(obj, dict) and 'state_dict' in obj else obj
        return {'type': type(obj).__name__, 'keys': list(obj.keys()), 'meta': obj.get('meta'),
                'tensors': {k: {'dtype': str(v.dtype), 'shape': list(v.shape), 'data': values(v)} for k, v in sd.items()}}
    out = {'plain': report(torch.load(path))}
    try:
        out['weights_only'] = report(torch.load(path, weights_only=True))
    except Exception as e:  # torch 1.13's weights_only unpickler reads no BINFLOAT, for one
        out['weights_only'] = {'error': str(e).splitlines()[-1]}
    return out


def dump(name, obj):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, allow_nan=False)
        f.write('\n')
    print(f'wrote {name} ({os.path.getsize(os.path.join(OUT, name))} bytes)')


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--tinynet':
        tensors, _ = read_safetensors(sys.argv[2])
        net = TinyNet().eval()
        net.load_state_dict(tensors, strict=True)
        fx = json.load(open(os.path.join(OUT, 'safetensors.json')))['tinynet']['input']
        with torch.no_grad():
            y = net(torch.tensor(fx['data'], dtype=torch.float32).reshape(fx['shape']))
        json.dump(T(y) | {'num_batches_tracked': net.stem[1].num_batches_tracked.item()}, sys.stdout)
        return
    if len(sys.argv) == 3 and sys.argv[1] == '--torch-load':
        json.dump(torch_load_report(sys.argv[2]), sys.stdout)
        return
    if len(sys.argv) == 3 and sys.argv[1] == '--read':
        tensors, meta = read_safetensors(sys.argv[2])
        json.dump({'metadata': meta, 'tensors': {k: T(v.double() if v.is_floating_point() else v) | {'dtype': str(v.dtype)} for k, v in tensors.items()}}, sys.stdout)
        return
    torch.set_num_threads(1)  # one thread: summation order, and so every bit, does not depend on the machine
    os.makedirs(OUT, exist_ok=True)
    dump('layers.json', layers())
    dump('losses.json', losses())
    dump('optim.json', optim())
    dump('schedules.json', schedules())
    dump('safetensors.json', safetensors_fixtures())
    dump('pth.json', pth_fixtures())
    # the reader above must round-trip what the writer wrote
    back, meta = read_safetensors(os.path.join(OUT, 'from_torch.safetensors'))
    assert meta['format'] == 'pt' and torch.equal(back['bf16'].float(), torch.tensor([1.0, -3.140625, 1e30, 0.0078125], dtype=torch.bfloat16).float())


if __name__ == '__main__':
    main()
