#!/usr/bin/python3
"""Runs our exported SETR checkpoints in the REAL mmsegmentation 1.x, to prove they load there and agree.

Run with Debian's torch (1.13):  /usr/bin/python3 packages/setr/scripts/gen_mmseg_fixtures.py [DIR ...]
(default: every subdirectory of packages/setr/test/fixtures/mmseg/). Each DIR holds what our TypeScript exporter
wrote: config.py (an mmseg config: `model = dict(type='EncoderDecoder', ...)`), weights.safetensors (a state dict
under mmseg's own key names), optionally weights.pth (the same state dict from our own PyTorch-zip writer) and
input.safetensors (`input` [B, 3, H, W], already normalised). For each DIR the script builds the model from the
config, loads the weights with strict=True, runs it in eval mode and writes
  outputs.safetensors   `logits` and `aux.{j}` [B, classes, H, W] float32: what EncoderDecoder.encode_decode returns
                        (decode head, then a bilinear resize to the input size), and the same for auxiliary head j
  report.json           versions, the load result {missing, unexpected, mismatched} and the weights.pth checks
The exit status is 1 if any DIR failed: its weights did not load strictly, or its weights.pth was not
exactly weights.safetensors or was refused by torch.load(weights_only=True) or mmengine's load_checkpoint.

The sources are the real ones, unmodified, found under $MMSEG_SRC (default /work/mmseg-src) and fetched with:
  fetch github:AI-Tianlong/mmsegmentation   (upstream dev-1.x of 2023-08-15, mmseg 1.1.1)
  fetch github:open-mmlab/mmcv  fetch github:open-mmlab/mmengine  fetch github:mewwts/addict
  M=/work/.mirror S=${MMSEG_SRC:-/work/mmseg-src}
  mkdir -p $S/mmsegmentation $S/mmcv $S/mmengine $S/addict
  git --git-dir=$M/AI-Tianlong+mmsegmentation/repo archive 22ffd0d2f64094a05eda25a199434cfa78797acc | tar -x -C $S/mmsegmentation
  git --git-dir=$M/open-mmlab+mmcv/repo archive v2.0.1 | tar -x -C $S/mmcv            # fc038a38
  git --git-dir=$M/open-mmlab+mmengine/repo archive v0.8.4 | tar -x -C $S/mmengine    # d9fee4fb
  git --git-dir=$M/mewwts+addict/repo archive 75284f9593dfb929cadd900aff9e35e7c7aec54b | tar -x -C $S/addict
Their Python dependencies come from Debian:
  apt-get install -y python3-torch python3-numpy python3-yaml python3-pil python3-opencv python3-rich \
    python3-termcolor python3-matplotlib python3-prettytable python3-packaging python3-scipy python3-regex python3-yapf
Two things stand in for what is not there:
  - mmcv._ext, mmcv's compiled C++/CUDA ops: mmcv.ops imports them all (mmseg imports mmcv.ops for its losses), but
    SETR's forward uses none, so a module whose every attribute is a function that raises takes its place. It has no
    loader, so mmengine's mmcv_full_available() is False, as for the pure-Python `mmcv-lite`.
  - SyncBN: torch 1.13's SyncBatchNorm refuses CPU tensors even in eval. mmseg's own demo and inferencer, on CPU,
    call mmengine.model.revert_sync_batchnorm, which swaps every SyncBatchNorm for a BatchNorm holding the very same
    tensors; in eval both compute (x - running_mean) / sqrt(running_var + eps) * weight + bias, and the state-dict
    keys do not change. The script does the same (after building, before loading) and says so in report.json.
mmseg's own version check (mmcv >= 2.0.0rc4, < 2.1.0; mmengine >= 0.5.0, < 1.0.0) runs unpatched and passes.
safetensors files are read and written by packages/nn/scripts/gen_fixtures.py's hand-written helpers.
"""
import importlib.machinery
import importlib.util
import json
import os
import sys
import types

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, '..', 'test', 'fixtures', 'mmseg'))
SRC = os.environ.get('MMSEG_SRC', '/work/mmseg-src')
# packages/nn/scripts/gen_fixtures.py (write_safetensors, read_safetensors, tensor_bytes), loaded by path under its
# own name: `import gen_fixtures` could resolve to packages/setr/scripts/gen_fixtures.py
_nn = importlib.util.spec_from_file_location('nn_gen_fixtures', os.path.join(HERE, '..', '..', 'nn', 'scripts', 'gen_fixtures.py'))
nnfx = importlib.util.module_from_spec(_nn)
_nn.loader.exec_module(nnfx)


class CompiledOpsStandIn(types.ModuleType):
    """Stands in for mmcv._ext: mmcv.ops asks it for every op by name at import time; none is ever called."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)

        def op(*args, **kwargs):
            raise RuntimeError(f'mmcv._ext.{name}: the compiled mmcv ops are not available here')
        return op


def import_mmseg():
    """Puts the four source trees first on sys.path, installs the mmcv._ext stand-in, registers mmseg's modules and
    returns the versions in use."""
    for tree in ['addict', 'mmengine', 'mmcv', 'mmsegmentation']:
        if not os.path.isdir(os.path.join(SRC, tree)):
            sys.exit(f'{os.path.join(SRC, tree)} is missing: set MMSEG_SRC, or extract the sources as this file\'s docstring says')
        sys.path.insert(0, os.path.join(SRC, tree))
    ext = CompiledOpsStandIn('mmcv._ext')
    ext.__spec__ = importlib.machinery.ModuleSpec('mmcv._ext', None)  # no loader: "mmcv-full is not installed"
    sys.modules['mmcv._ext'] = ext
    import mmcv
    import mmengine
    import mmseg  # runs mmseg's mmcv/mmengine version check
    from mmseg.utils import register_all_modules
    register_all_modules()  # imports mmseg.models etc. (filling the registries) and makes 'mmseg' the default scope
    return {'torch': torch.__version__, 'mmseg': mmseg.__version__, 'mmcv': mmcv.__version__, 'mmengine': mmengine.__version__}


def build(config_path):
    """MODELS.build(cfg.model) in eval mode, with SyncBN reverted to BN (see the docstring); also returns how many
    SyncBatchNorm layers were reverted."""
    from mmengine import Config
    from mmengine.model import revert_sync_batchnorm
    from mmseg.registry import MODELS
    model = MODELS.build(Config.fromfile(config_path).model)
    synced = sum(isinstance(m, torch.nn.SyncBatchNorm) for m in model.modules())
    return revert_sync_batchnorm(model).eval(), synced


def check_weights(model, weights):
    """The strict-load result, spelled out: torch's own strict check would silently fill a missing
    num_batches_tracked (a state dict without _metadata counts as an old BatchNorm version) and casts dtypes."""
    expected = model.state_dict()
    return {
        'missing': sorted(set(expected) - set(weights)),
        'unexpected': sorted(set(weights) - set(expected)),
        'mismatched': [f'{k}: got {weights[k].dtype} {list(weights[k].shape)}, want {v.dtype} {list(v.shape)}'
                       for k, v in expected.items() if k in weights and (weights[k].dtype, weights[k].shape) != (v.dtype, v.shape)],
    }


def differing_tensors(a, b):
    """Names of the tensors in which two state dicts differ in name, dtype, shape or any bit of any value."""
    return sorted(k for k in set(a) | set(b) if k not in a or k not in b or a[k].dtype != b[k].dtype
                  or a[k].shape != b[k].shape or nnfx.tensor_bytes(a[k]) != nnfx.tensor_bytes(b[k]))


def attempt(fn):
    """True if fn() runs through, else the error it raised, as text for report.json."""
    try:
        fn()
        return True
    except Exception as e:
        return f'{type(e).__name__}: {e}'


def check_pth(config_path, pth_path, weights):
    """weights.pth: does torch.load give exactly weights.safetensors, and does mmengine's load_checkpoint take it?"""
    from mmengine.runner import load_checkpoint
    report = {}
    try:
        ckpt = torch.load(pth_path, map_location='cpu')
        report['layout'] = "{'state_dict': ...}" if 'state_dict' in ckpt else 'plain state dict'
        report['differs_from_safetensors'] = differing_tensors(ckpt.get('state_dict', ckpt), weights)
    except Exception as e:
        report['differs_from_safetensors'] = [f'torch.load failed: {type(e).__name__}: {e}']
    report['equal_to_safetensors'] = not report['differs_from_safetensors']
    # torch >= 2.6 loads with weights_only=True by default: the file must need no arbitrary unpickling
    report['torch_load_weights_only'] = attempt(lambda: torch.load(pth_path, map_location='cpu', weights_only=True))
    # into a freshly built model, the way mmseg's tools load a checkpoint (strict: raises on any mismatch)
    report['load_checkpoint_strict'] = attempt(lambda: load_checkpoint(build(config_path)[0], pth_path, map_location='cpu', strict=True))
    return report


def forward(model, x):
    """encode_decode's logits and the same for every auxiliary head. head.predict is forward() followed by
    resize(..., size=img_shape, mode='bilinear', align_corners=head.align_corners) (mmseg.models.utils.resize)."""
    metas = [dict(img_shape=tuple(x.shape[2:]))] * x.shape[0]
    heads = model.auxiliary_head if model.with_auxiliary_head else []
    heads = heads if isinstance(heads, torch.nn.ModuleList) else [heads]
    with torch.no_grad():
        feats = model.extract_feat(x)  # backbone, then the neck (MLA) if there is one
        out = {'logits': model.decode_head.predict(feats, metas, model.test_cfg)}
        for j, head in enumerate(heads):
            out[f'aux.{j}'] = head.predict(feats, metas, model.test_cfg)
    return out


def run(fixture, versions):
    """One fixture directory: build, load strictly, forward, write outputs.safetensors and report.json."""
    path = lambda name: os.path.join(fixture, name)  # noqa: E731
    if os.path.exists(path('outputs.safetensors')):
        os.remove(path('outputs.safetensors'))  # a failed run must not leave an earlier run's outputs behind
    model, synced = build(path('config.py'))
    weights, _ = nnfx.read_safetensors(path('weights.safetensors'))
    report = {
        'versions': versions,
        'sync_bn': f'{synced} SyncBatchNorm layers replaced by BatchNorm (mmengine.model.revert_sync_batchnorm): same keys, same eval math',
        'load': check_weights(model, weights),
    }
    ok = not any(report['load'].values())
    if ok:
        model.load_state_dict(weights, strict=True)  # raises on anything check_weights missed
        x = nnfx.read_safetensors(path('input.safetensors'))[0]['input']
        out = forward(model, x)
        nnfx.write_safetensors(path('outputs.safetensors'), out)
        report['outputs'] = {k: list(v.shape) for k, v in out.items()}
    else:
        print(f'{fixture}: weights do not load strictly:\n' + json.dumps(report['load'], indent=2), file=sys.stderr)
    if os.path.exists(path('weights.pth')):
        pth = report['weights.pth'] = check_pth(path('config.py'), path('weights.pth'), weights)
        ok = ok and pth['equal_to_safetensors'] and pth['torch_load_weights_only'] is True and pth['load_checkpoint_strict'] is True
    with open(path('report.json'), 'w') as f:
        json.dump(report, f, indent=2)
        f.write('\n')
    print(f'{fixture}: {"ok" if ok else "FAILED"}', json.dumps({k: report[k] for k in ['outputs', 'weights.pth'] if k in report}))
    return ok


def main():
    dirs = sys.argv[1:] or sorted(os.path.join(FIXTURES, d) for d in os.listdir(FIXTURES) if os.path.isdir(os.path.join(FIXTURES, d)))
    torch.set_num_threads(1)  # one thread: summation order, and so every bit, does not depend on the machine
    versions = import_mmseg()
    results = [run(d, versions) for d in dirs]
    sys.exit(0 if all(results) else 1)


if __name__ == '__main__':
    main()
