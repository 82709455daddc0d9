#!/usr/bin/python3
"""PyTorch reference ("oracle") for @setr-ts/setr: SETR (Zheng et al., CVPR 2021) in plain torch.nn.

Run with Debian's torch (1.13):  /usr/bin/python3 packages/setr/scripts/gen_fixtures.py
It writes packages/setr/test/fixtures/ (committed; the TypeScript tests never need Python):
  setr-{naive,pup,mla}.json              the config (camelCase, the same fields the TS model takes)
  setr-{naive,pup,mla}.safetensors       the segmentor's state dict (backbone.*, neck.* for MLA, decode_head.*, auxiliary_head.{j}.*)
  setr-{naive,pup,mla}.io.safetensors    input [2,3,24,40], logits, aux.{j}, blocks.{i}, attention.{i},
                                         pos_embed.resized (the input's 3x5 grid differs from the config's 4x6)
  timm-vit.safetensors                   a timm ViT checkpoint as timm saves it (3x3 pos grid, norm.*, head.*)
  timm-vit.expected.safetensors          pos_embed an importer must produce for imgSize [32, 48], patch 8
Everything is float64 (num_batches_tracked: int64) and drawn from seeded Generators.

  --forward CONFIG WEIGHTS INPUT OUTPUT  build the model from CONFIG (json), load WEIGHTS (strict; a missing or
                                         int32 num_batches_tracked is accepted), run eval forward on INPUT's
                                         `input` and write `logits` and `aux.{j}` to OUTPUT (the TS tests
                                         cross-check their own files with this where python3 + torch exist).
  --count                                parameter counts of the paper-sized ViT-B/L models (built on the meta
                                         device, so nothing is allocated), printed as JSON and checked.

safetensors files are written and read by packages/nn/scripts/gen_fixtures.py's hand-written helpers.
"""
import importlib.util
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures')
# packages/nn/scripts/gen_fixtures.py (write_safetensors, read_safetensors), loaded by path under its own name:
# `import gen_fixtures` could resolve to this same-named file
_nn = importlib.util.spec_from_file_location('nn_gen_fixtures', os.path.join(HERE, '..', '..', 'nn', 'scripts', 'gen_fixtures.py'))
nnfx = importlib.util.module_from_spec(_nn)
_nn.loader.exec_module(nnfx)


def resize_pos_embed(pos, grid, hw):
    """mmseg's resize_pos_embed: the patch part of pos [1, 1+gh*gw, D] resampled bilinearly to (h, w); cls kept."""
    if tuple(grid) == tuple(hw):
        return pos
    D = pos.shape[2]
    patch = pos[:, 1:].reshape(1, grid[0], grid[1], D).permute(0, 3, 1, 2)  # [1, D, gh, gw]
    patch = F.interpolate(patch, size=tuple(hw), mode='bilinear', align_corners=False)  # [1, D, h, w]
    return torch.cat([pos[:, :1], patch.flatten(2).transpose(1, 2)], dim=1)  # [1, 1+hw, D]


def to_map(norm, t, hw):
    """SETR's "to map": block output [B, 1+hw, D] -> LayerNorm -> drop cls -> feature map [B, D, h, w]."""
    x = norm(t)[:, 1:]  # [B, hw, D]
    return x.transpose(1, 2).reshape(x.shape[0], x.shape[2], hw[0], hw[1])


class PatchEmbed(nn.Module):
    """timm's PatchEmbed: a p x p, stride-p convolution cuts the image into D-dim patch tokens."""

    def __init__(self, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, patch, stride=patch)

    def forward(self, x):
        x = self.proj(x)  # [B, D, h, w]
        return x.flatten(2).transpose(1, 2), tuple(x.shape[2:])  # [B, hw, D], (h, w)


class Attention(nn.Module):
    """timm's Attention: one qkv Linear split into heads, scaled dot-product softmax, then proj."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, D = x.shape
        d = D // self.heads
        q, k, v = self.qkv(x).reshape(B, N, 3, self.heads, d).permute(2, 0, 3, 1, 4)  # each [B, heads, N, d]
        weights = (q @ k.transpose(-2, -1) * d ** -0.5).softmax(dim=-1)  # [B, heads, N, N]
        return self.proj((weights @ v).transpose(1, 2).reshape(B, N, D)), weights


class Mlp(nn.Module):
    """timm's Mlp: fc1 -> exact (erf) GELU -> fc2."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    """timm's pre-norm transformer Block: x + attn(norm1(x)), then x + mlp(norm2(x))."""

    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, mlp_ratio * dim)

    def forward(self, x):
        a, weights = self.attn(self.norm1(x))
        x = x + a
        return x + self.mlp(self.norm2(x)), weights


class VisionTransformer(nn.Module):
    """SETR's encoder: timm's ViT (cls token, learned position embedding, blocks; no final norm)."""

    def __init__(self, cfg):
        super().__init__()
        p, D = cfg['patchSize'], cfg['embedDim']
        self.grid = (cfg['imgSize'][0] // p, cfg['imgSize'][1] // p)
        self.patch_embed = PatchEmbed(p, D)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, D))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + self.grid[0] * self.grid[1], D))
        self.blocks = nn.ModuleList([Block(D, cfg['numHeads'], cfg['mlpRatio']) for _ in range(cfg['depth'])])

    def forward(self, img):
        x, hw = self.patch_embed(img)  # [B, hw, D]
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)  # [B, 1+hw, D]
        pos = resize_pos_embed(self.pos_embed, self.grid, hw)  # [1, 1+hw, D]
        x = x + pos
        outs, attns = [], []
        for block in self.blocks:
            x, weights = block(x)
            outs.append(x)
            attns.append(weights)
        return outs, attns, hw, pos


class ConvModule(nn.Sequential):
    """mmcv's ConvModule: conv -> bn -> ReLU."""

    def __init__(self, cin, cout, kernel, bias):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, padding=kernel // 2, bias=bias)
        self.bn = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()


def upsample(scale, align_corners=False):
    """x scale bilinear, or nothing for a scale of 1."""
    return nn.Upsample(scale_factor=scale, mode='bilinear', align_corners=align_corners) if scale > 1 else nn.Identity()


class UpHead(nn.Module):
    """mmseg's SETRUPHead, the Naive and PUP decoders and their auxiliary heads: to map, numConvs stages of
    ConvModule (with conv bias: the official code's) and x upScale, then the 1x1 conv_seg."""

    def __init__(self, dim, head, classes):
        super().__init__()
        self.tap = head['tap']
        c, k = head['channels'], head['kernelSize']
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.up_convs = nn.ModuleList([nn.Sequential(ConvModule(dim if i == 0 else c, c, k, True), upsample(head['upScale']))
                                       for i in range(head['numConvs'])])
        self.conv_seg = nn.Conv2d(c, classes, 1)

    def forward(self, blocks, hw, neck):
        x = to_map(self.norm, blocks[self.tap], hw)  # [B, D, h, w]
        for stage in self.up_convs:
            x = stage(x)  # [B, C, ., .]
        return self.conv_seg(x)  # [B, K, ., .]


class MLAModule(nn.Module):
    """The MLA neck's convolutions: 1x1 channel_proj per tap, top-down sums from the deepest, 3x3 feat_extract."""

    def __init__(self, m, dim, cm):
        super().__init__()
        self.channel_proj = nn.ModuleList([ConvModule(dim, cm, 1, False) for _ in range(m)])
        self.feat_extract = nn.ModuleList([ConvModule(cm, cm, 3, False) for _ in range(m)])

    def forward(self, maps):
        p = [proj(x) for proj, x in zip(self.channel_proj, maps)][::-1]  # deepest first
        m = [p[0]]
        for pk in p[1:]:
            m.append(m[-1] + pk)  # top-down sums
        return [fe(mk) for fe, mk in zip(self.feat_extract, m)]  # M x [B, Cm, h, w], deepest first


class MLANeck(nn.Module):
    """SETR-MLA's neck (mmseg's MLANeck): LayerNorm and to map per tap, then the aggregation."""

    def __init__(self, dim, taps, cm):
        super().__init__()
        self.taps = taps
        self.norm = nn.ModuleList([nn.LayerNorm(dim, eps=1e-6) for _ in taps])
        self.mla = MLAModule(len(taps), dim, cm)

    def forward(self, blocks, hw):
        return self.mla([to_map(norm, blocks[t], hw) for norm, t in zip(self.norm, self.taps)])


class MLAHead(nn.Module):
    """SETR-MLA's head, official details: per stream two 3x3 ConvModules and x4 (aligned corners), concatenated
    into a 3x3 conv_seg."""

    def __init__(self, m, cm, ch, classes):
        super().__init__()
        self.up_convs = nn.ModuleList([nn.Sequential(ConvModule(cm, ch, 3, False), ConvModule(ch, ch, 3, False), upsample(4, True))
                                       for _ in range(m)])
        self.conv_seg = nn.Conv2d(m * ch, classes, 3, padding=1)

    def forward(self, blocks, hw, neck):
        return self.conv_seg(torch.cat([up(o) for up, o in zip(self.up_convs, neck)], dim=1))  # [B, K, 4h, 4w]


class MLAAuxHead(nn.Module):
    """SETR-MLA's auxiliary head, official details: a 1x1 conv_seg without bias on one neck stream."""

    def __init__(self, stream, cm, classes):
        super().__init__()
        self.stream = stream
        self.conv_seg = nn.Conv2d(cm, classes, 1, bias=False)

    def forward(self, blocks, hw, neck):
        return self.conv_seg(neck[self.stream])


class SETR(nn.Module):
    """mmseg's EncoderDecoder for SETR with the official code's head details: ViT backbone, MLA's neck,
    decode_head and auxiliary_head, every head's logits resized to the image."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        D, K, dec = cfg['embedDim'], cfg['numClasses'], cfg['decoder']
        self.backbone = VisionTransformer(cfg)
        if dec['kind'] == 'mla':
            taps = dec['taps']
            self.neck = MLANeck(D, taps, dec['neckChannels'])
            self.decode_head = MLAHead(len(taps), dec['neckChannels'], dec['headChannels'], K)
            self.auxiliary_head = nn.ModuleList([MLAAuxHead(len(taps) - 1 - taps.index(a['tap']), dec['neckChannels'], K)
                                                 for a in cfg['auxHeads']])
        else:
            self.neck = None
            self.decode_head = UpHead(D, dec, K)
            self.auxiliary_head = nn.ModuleList([UpHead(D, a, K) for a in cfg['auxHeads']])

    def heads(self, img, aux=True):
        """Logits of the decoder and (with aux) of every auxiliary head, resized to the image."""
        size = tuple(img.shape[2:])
        blocks, attns, hw, pos = self.backbone(img)
        neck = self.neck(blocks, hw) if self.neck else []
        resize = lambda x: F.interpolate(x, size=size, mode='bilinear', align_corners=False)  # noqa: E731
        logits = resize(self.decode_head(blocks, hw, neck))
        return logits, [resize(head(blocks, hw, neck)) for head in self.auxiliary_head] if aux else [], blocks, attns, pos

    def forward(self, img):
        logits, aux, blocks, attns, pos = self.heads(img)
        return {'logits': logits, 'aux': aux, 'blocks': blocks, 'attention': attns, 'pos': pos}


def randomize(module, seed):
    """Nonzero, moderate, deterministic values for every state-dict entry (the module must already be float64)."""
    g = torch.Generator().manual_seed(seed)

    def normal(shape):
        return torch.randn(shape, generator=g, dtype=torch.float64)

    with torch.no_grad():
        for name, t in module.state_dict().items():
            leaf = name.rsplit('.', 1)[-1]
            if leaf == 'num_batches_tracked':
                t.fill_(int(torch.randint(1, 100, (), generator=g)))
            elif leaf in ('cls_token', 'pos_embed'):
                t.copy_(0.02 * normal(t.shape))
            elif leaf == 'running_var':
                t.copy_(0.5 + torch.rand(t.shape, generator=g, dtype=torch.float64))
            elif leaf in ('bias', 'running_mean'):
                t.copy_(0.1 * normal(t.shape))
            elif t.dim() == 1:  # LayerNorm / BatchNorm weight
                t.copy_(1 + 0.1 * normal(t.shape))
            else:  # conv / linear weight: N(0, 1) / sqrt(fan_in)
                t.copy_(normal(t.shape) / math.sqrt(t[0].numel()))
    return module


def heads(decoder, last, aux_taps, mla_taps, channels, neck_channels, head_channels, patch):
    """The decoder and auxiliary heads of the official code's configs, in the TypeScript config's layout."""
    if decoder == 'mla':
        return {'decoder': {'kind': 'mla', 'taps': mla_taps, 'neckChannels': neck_channels, 'headChannels': head_channels},
                'auxHeads': [{'kind': 'mla', 'tap': t, 'lossWeight': 0.4} for t in mla_taps]}
    if decoder == 'naive':
        up = {'channels': channels, 'numConvs': 1, 'kernelSize': 1, 'upScale': 1}
        dec, aux = {'kind': 'naive', 'tap': last, **up}, up
    else:
        dec = {'kind': 'pup', 'tap': last, 'channels': channels, 'numConvs': int(math.log2(patch)), 'kernelSize': 3, 'upScale': 2}
        aux = {'channels': channels, 'numConvs': 1, 'kernelSize': 3, 'upScale': 4}
    return {'decoder': dec, 'auxHeads': [{'kind': 'up', 'tap': t, **aux, 'lossWeight': 0.4} for t in aux_taps]}


SMALL_ARCH = {'imgSize': [32, 48], 'patchSize': 8, 'embedDim': 32, 'depth': 4, 'numHeads': 4, 'mlpRatio': 4, 'numClasses': 5}
AUX_TAPS = {'naive': [1, 2], 'pup': [1, 2, 3], 'mla': [0, 1, 2, 3]}


def write(name, tensors):
    nnfx.write_safetensors(os.path.join(OUT, name), tensors, {'format': 'pt'})


def setr_fixtures(decoder, seed):
    cfg = {**SMALL_ARCH, **heads(decoder, 3, AUX_TAPS[decoder], [0, 1, 2, 3], 16, 16, 8, SMALL_ARCH['patchSize'])}
    with open(os.path.join(OUT, f'setr-{decoder}.json'), 'w') as f:
        json.dump(cfg, f, indent=2)
        f.write('\n')
    model = randomize(SETR(cfg).double(), seed).eval()
    write(f'setr-{decoder}.safetensors', model.state_dict())
    img = torch.randn(2, 3, 24, 40, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64)
    with torch.no_grad():
        out = model(img)
    io = {'input': img, 'logits': out['logits']}
    io.update({f'aux.{j}': a for j, a in enumerate(out['aux'])})
    io.update({f'blocks.{i}': b for i, b in enumerate(out['blocks'])})
    io.update({f'attention.{i}': a for i, a in enumerate(out['attention'])})
    io['pos_embed.resized'] = out['pos']
    write(f'setr-{decoder}.io.safetensors', io)
    print(f'setr-{decoder}: {len(model.state_dict())} weights, {len(io)} io tensors, max |logit| {out["logits"].abs().max():.4f}')


def timm_fixtures(seed):
    """A 2-block timm ViT trained at 24x24 (3x3 grid), and the pos_embed an importer derives for a 4x6 grid."""
    vit = VisionTransformer({'imgSize': [24, 24], 'patchSize': 8, 'embedDim': 32, 'depth': 2, 'numHeads': 4, 'mlpRatio': 4})
    vit.norm = nn.LayerNorm(32, eps=1e-6)
    vit.head = nn.Linear(32, 7)
    state = randomize(vit.double(), seed).state_dict()
    write('timm-vit.safetensors', state)
    pos = resize_pos_embed(state['pos_embed'], (3, 3), (4, 6))  # [1, 25, 32]
    write('timm-vit.expected.safetensors', {'pos_embed': pos})
    print(f'timm-vit: {len(state)} keys, pos_embed {list(state["pos_embed"].shape)} -> {list(pos.shape)}')


def forward_files(cfg_path, weights_path, input_path, out_path):
    """--forward: logits and aux.{j} of a model and input the TS side wrote."""
    with open(cfg_path) as f:
        model = SETR(json.load(f)).double().eval()
    tensors, _ = nnfx.read_safetensors(weights_path)
    state = {k: v.double() if v.is_floating_point() else v.long() for k, v in tensors.items()}
    for k, v in model.state_dict().items():
        if k.endswith('num_batches_tracked'):
            state.setdefault(k, v)  # not used in eval; the TS side need not store it
    model.load_state_dict(state, strict=True)
    with torch.no_grad():
        out = model(nnfx.read_safetensors(input_path)[0]['input'].double())
    nnfx.write_safetensors(out_path, {'logits': out['logits'], **{f'aux.{j}': a for j, a in enumerate(out['aux'])}})


class OnMeta(TorchFunctionMode):
    """Creates every parameter and buffer on the meta device: shapes without memory."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in (torch.empty, torch.zeros, torch.ones, torch.tensor):
            kwargs['device'] = 'meta'
        return func(*args, **kwargs)


VIT_L = {'embedDim': 1024, 'depth': 24, 'numHeads': 16}
VIT_B = {'embedDim': 768, 'depth': 12, 'numHeads': 12}
# the full-size models (512x512, patch 16, 150 classes): backbone, decoder, auxiliary heads' (MLA: also the streams') taps, parameters
PAPER = {
    'vit-l-naive': (VIT_L, 'naive', [9, 14, 19], 305361496),
    'vit-l-pup': (VIT_L, 'pup', [9, 14, 19, 23], 317922542),
    'vit-l-mla': (VIT_L, 'mla', [5, 11, 17, 23], 310184086),
    'vit-b-naive': (VIT_B, 'naive', [2, 5, 8], 87382872),
    'vit-b-pup': (VIT_B, 'pup', [2, 5, 8, 11], 97256430),
    'vit-b-mla': (VIT_B, 'mla', [2, 5, 8, 11], 92205462),
}


def count():
    """--count: parameter counts of the full-size models, which must match PAPER."""
    counts = {}
    for name, (vit, decoder, taps, _) in PAPER.items():
        cfg = {'imgSize': [512, 512], 'patchSize': 16, **vit, 'mlpRatio': 4, 'numClasses': 150,
               **heads(decoder, vit['depth'] - 1, taps, taps, 256, 256, 128, 16)}
        with OnMeta():
            counts[name] = sum(p.numel() for p in SETR(cfg).parameters())
    print(json.dumps(counts))
    assert counts == {name: row[-1] for name, row in PAPER.items()}, 'parameter counts differ from the expected ones'


def main():
    if len(sys.argv) == 6 and sys.argv[1] == '--forward':
        forward_files(*sys.argv[2:])
        return
    if sys.argv[1:] == ['--count']:
        count()
        return
    torch.set_num_threads(1)  # one thread: summation order, and so every bit, does not depend on the machine
    os.makedirs(OUT, exist_ok=True)
    for seed, decoder in enumerate(['naive', 'pup', 'mla']):
        setr_fixtures(decoder, 100 * (seed + 1))
    timm_fixtures(400)


if __name__ == '__main__':
    main()
