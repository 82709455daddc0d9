#!/usr/bin/python3
"""The PyTorch side of bench/step.ts: the same SETR training step and evaluation forward, timed in PyTorch.

The model is the torch.nn SETR of scripts/gen_fixtures.py (the oracle the TypeScript model is tested against
layer for layer), built from our config JSON. bench/step.ts runs this once per config with a JSON request on
stdin and reads one JSON object from stdout:

  request  {"config": {...SetrConfig, "train": {...}}, "batch": 8, "reps": 5, "warmup": 2, "threads": [1, 2],
            "eval": [{"batch": 1, "reps": 20}, {"batch": 8, "reps": 5}]}
  answer   {"python", "torch", "blas": {"path", "kind"}, "params", "labels": {"sum", "void"}, "firstLoss", "peakRssMB",
            "runs": {"<threads>": {"train": [ms, ...], "sgemmGflops", "eval": {"<batch>": [ms, ...]}}}}

PyTorch's speed here hangs on its BLAS (its Linear layers are BLAS sgemm calls): Debian's python3-torch uses
the system's libblas.so.3, which is the reference BLAS (~6 GFLOP/s) unless an optimized one is installed
(libopenblas0-pthread: ~90 GFLOP/s on one core). The answer names the library and its sgemm rate; point
LD_LIBRARY_PATH at an OpenBLAS directory to use one without installing it.

A training step, as ours: forward in training mode (BatchNorm on batch statistics), cross-entropy ignoring
255 on the decoder's logits plus each auxiliary head's times its lossWeight, backward, AdamW (the config's lr and
weight decay, PyTorch's betas and eps), zero_grad(set_to_none=True) (ours drops the gradients too), and the
loss read as a number. Evaluation: eval mode, no_grad, the backbone and decode head only (our model skips
the auxiliary heads in evaluation; gen_fixtures' SETR.forward would run them). Float32 throughout.

  echo '{"config": ...}' | /usr/bin/python3 packages/setr/bench/torch_peer.py
"""
import ctypes
import importlib.util
import json
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
# scripts/gen_fixtures.py, loaded by path under its own name (as it loads nn's helpers)
_spec = importlib.util.spec_from_file_location('setr_gen_fixtures', os.path.join(HERE, '..', 'scripts', 'gen_fixtures.py'))
fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fx)


def blas():
    """The BLAS library torch's matrix products run on (Debian's torch links whichever libblas.so.3 the system
    provides), and a function that sets its thread count where it keeps its own threads: OpenBLAS's pthread
    build does, and next to torch's OpenMP threads it oversubscribes the cores (10x slower here) unless told."""
    with open('/proc/self/maps') as f:
        paths = sorted({line.split()[-1] for line in f if 'blas' in line.rsplit('/', 1)[-1] and '.so' in line})
    path = paths[0] if paths else 'unknown'
    set_threads = None
    if 'openblas' in path:
        set_threads = ctypes.CDLL(path).openblas_set_num_threads
    kind = 'openblas' if 'openblas' in path else 'reference' if path.rstrip('.0123456789').endswith('/blas/libblas.so') else 'other'
    return {'path': path, 'kind': kind}, set_threads


def sgemm_gflops():
    """Throughput of a 1024x1024 float32 matrix product, best of 3: what the BLAS gives at the current thread count."""
    a = torch.randn(1024, 1024)
    a @ a
    best = min(times(lambda: a @ a, 3, 0))
    return 2 * 1024 ** 3 / (best / 1000) / 1e9


def check_config(cfg):
    """gen_fixtures' SETR has no dropout or stochastic depth, LayerNorm eps 1e-6 and unaligned resizes: refuse
    a config that asks for anything else rather than time a different model."""
    differs = [f'{k} {cfg.get(k, v)!r} (the torch model has {v!r})'
               for k, v in [('style', 'official'), ('withClsToken', True), ('dropRate', 0), ('attnDropRate', 0), ('dropPathRate', 0),
                            ('lnEps', 1e-6), ('alignCorners', False)]
               if cfg.get(k, v) != v]
    if differs:
        sys.exit(f'torch_peer: the torch SETR of gen_fixtures.py cannot build this config: {", ".join(differs)}')


def bench_labels(batch, h, w, k):
    """src/cli/bench.ts's benchLabel for every pixel: 16x16 blocks of classes, 255 on the bottom twelfth and
    on every 23rd pixel of a diagonal pattern."""
    b = torch.arange(batch).view(batch, 1, 1)
    y = torch.arange(h).view(1, h, 1)
    x = torch.arange(w).view(1, 1, w)
    classes = ((y // 16) * 3 + (x // 16) + b) % k  # [B, H, W]
    void = (y >= h - h // 12) | ((7 * x + 13 * y + b) % 23 == 0)  # [B, H, W]
    return classes.masked_fill(void, 255).long()


def eval_logits(model, img):
    """Evaluation forward as ours runs it: backbone and decode head, no auxiliary heads."""
    return model.heads(img, aux=False)[0]


def times(fn, reps, warmup):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(1000 * (time.perf_counter() - t0))
    return out


def main():
    req = json.load(sys.stdin)
    cfg, batch = req['config'], req['batch']
    check_config(cfg)
    torch.manual_seed(0)
    model = fx.SETR(cfg).float().train()
    h, w = cfg['imgSize']
    images = torch.randn(batch, 3, h, w)
    labels = bench_labels(batch, h, w, cfg['numClasses'])
    aux_weights = [a['lossWeight'] for a in cfg['auxHeads']]
    opt = torch.optim.AdamW(model.parameters(), lr=cfg['train']['lr'], weight_decay=cfg['train']['weightDecay'])

    def step():
        out = model(images)
        loss = F.cross_entropy(out['logits'], labels, ignore_index=255)
        for w, a in zip(aux_weights, out['aux']):
            loss = loss + w * F.cross_entropy(a, labels, ignore_index=255)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.item()

    lib, set_blas_threads = blas()

    def use_threads(t):
        torch.set_num_threads(t)
        if set_blas_threads is not None:
            set_blas_threads(t)

    use_threads(req['threads'][0])
    first_loss = step()
    runs = {}
    for t in req['threads']:
        use_threads(t)
        runs[str(t)] = {'train': times(step, req['reps'], req['warmup']), 'sgemmGflops': sgemm_gflops()}
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux: the training's high-water mark
    model.eval()
    for t in req['threads']:
        use_threads(t)
        runs[str(t)]['eval'] = {}
        for e in req['eval']:
            x = torch.randn(e['batch'], 3, h, w)
            with torch.no_grad():
                runs[str(t)]['eval'][str(e['batch'])] = times(lambda: eval_logits(model, x), e['reps'], req['warmup'])
    json.dump({
        'python': sys.executable,
        'torch': torch.__version__,
        'blas': lib,
        'params': sum(p.numel() for p in model.parameters()),
        'labels': {'sum': int(labels.sum()), 'void': int((labels == 255).sum())},
        'firstLoss': first_loss,
        'peakRssMB': peak_rss,
        'runs': runs,
    }, sys.stdout)
    print()


if __name__ == '__main__':
    main()
