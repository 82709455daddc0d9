/**
 * The mmsegmentation config file (Python) that builds the same model as a SETR config: mmseg's own
 * `configs/_base_/models/setr_{naive,pup,mla}.py` with our sizes, taps and details written in. mmseg
 * reads the encoder's outputs by position: the ViT returns the blocks of `out_indices` in block order,
 * and each head's `in_index` picks among them (the MLA auxiliary heads among the neck's streams,
 * deepest first). The file holds the model only: a user adds a dataset and a schedule (`_base_`).
 */
import type { SetrConfig, UpHeadConfig } from '../config.js';
import { refuseUncarried } from './to-mmseg.js';

/** Python source written as it is (a name defined above the model, `None`, a list). */
class Raw {
  constructor(readonly text: string) {}
}
/** A Python dict, written `dict(key=value, ...)` one entry a line. */
class Dict {
  constructor(readonly fields: Record<string, unknown>) {}
}

/** The Python text of a value at nesting `depth`: dicts and lists of dicts over several lines, number lists as tuples. */
function py(v: unknown, depth: number): string {
  const pad = (d: number) => '    '.repeat(d);
  if (v instanceof Raw) return v.text;
  if (v instanceof Dict)
    return `dict(\n${Object.entries(v.fields)
      .map(([k, x]) => `${pad(depth + 1)}${k}=${py(x, depth + 1)},`)
      .join('\n')}\n${pad(depth)})`;
  if (Array.isArray(v) && v.some((x) => x instanceof Dict))
    return `[\n${v.map((x) => `${pad(depth + 1)}${py(x, depth + 1)},`).join('\n')}\n${pad(depth)}]`;
  if (Array.isArray(v)) return v.length === 1 ? `(${py(v[0], depth)},)` : `(${v.map((x) => py(x, depth)).join(', ')})`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return String(v);
  throw new Error(`mmsegConfigFile: cannot write ${JSON.stringify(v)}`);
}

const dict = (fields: Record<string, unknown>) => new Dict(fields);
const loss = (weight: number) => dict({ type: 'CrossEntropyLoss', use_sigmoid: false, loss_weight: weight });

/**
 * The Python text of an mmseg config for `c`; throws when mmseg cannot build it (to-mmseg.ts).
 * @example writeFileSync('setr.py', mmsegConfigFile(preset('setr-tiny-pup-mmseg')));
 */
export function mmsegConfigFile(c: SetrConfig): string {
  refuseUncarried(c, 'mmsegConfigFile');
  const d = c.decoder;
  const taps = [...new Set([...(d.kind === 'mla' ? d.taps : [d.tap]), ...c.auxHeads.filter((a) => a.kind === 'up').map((a) => a.tap)])];
  const outIndices = d.kind === 'mla' ? d.taps : taps.sort((a, b) => a - b);
  const norm = new Raw('norm_cfg');
  const lnLayer = dict({ type: 'LN', eps: c.lnEps, requires_grad: true });
  const common = { num_classes: c.numClasses, dropout_ratio: 0, norm_cfg: norm, align_corners: c.alignCorners };
  const upHead = (h: UpHeadConfig, weight: number) =>
    dict({
      type: 'SETRUPHead',
      in_channels: c.embedDim,
      channels: h.channels,
      in_index: outIndices.indexOf(h.tap),
      ...common,
      norm_layer: lnLayer,
      num_convs: h.numConvs,
      up_scale: h.upScale,
      kernel_size: h.kernelSize,
      loss_decode: loss(weight),
    });
  const model: Record<string, unknown> = {
    type: 'EncoderDecoder',
    data_preprocessor: new Raw('data_preprocessor'),
    pretrained: new Raw('None'),
    backbone: dict({
      type: 'VisionTransformer',
      img_size: c.imgSize,
      patch_size: c.patchSize,
      in_channels: 3,
      embed_dims: c.embedDim,
      num_layers: c.depth,
      num_heads: c.numHeads,
      mlp_ratio: c.mlpRatio,
      out_indices: outIndices,
      qkv_bias: true,
      drop_rate: c.dropRate,
      attn_drop_rate: c.attnDropRate,
      drop_path_rate: c.dropPathRate,
      norm_cfg: new Raw('backbone_norm_cfg'),
      with_cls_token: c.withClsToken,
      final_norm: false,
      interpolate_mode: 'bilinear',
    }),
  };
  if (d.kind === 'mla') {
    const m = d.taps.length;
    model.neck = dict({
      type: 'MLANeck',
      in_channels: new Raw(`[${Array(m).fill(c.embedDim).join(', ')}]`),
      out_channels: d.neckChannels,
      norm_layer: lnLayer,
      norm_cfg: norm,
      act_cfg: dict({ type: 'ReLU' }),
    });
    model.decode_head = dict({
      type: 'SETRMLAHead',
      in_channels: Array(m).fill(d.neckChannels),
      channels: m * d.headChannels,
      in_index: Array.from({ length: m }, (_, i) => i),
      mla_channels: d.headChannels,
      ...common,
      loss_decode: loss(1),
    });
  } else {
    model.decode_head = upHead(d, 1);
  }
  const aux = c.auxHeads.map((a) => {
    if (a.kind === 'up') return upHead(a, a.lossWeight);
    if (d.kind !== 'mla') throw new Error('mmsegConfigFile: an MLA auxiliary head needs the MLA decoder');
    return dict({
      type: 'FCNHead',
      in_channels: d.neckChannels,
      channels: d.neckChannels,
      in_index: d.taps.length - 1 - d.taps.indexOf(a.tap), // the neck's streams come deepest first
      num_convs: 0,
      kernel_size: 1,
      concat_input: false,
      ...common,
      loss_decode: loss(a.lossWeight),
    });
  });
  model.auxiliary_head = aux.length ? aux : new Raw('[]');
  model.train_cfg = new Raw('dict()');
  model.test_cfg = new Raw("dict(mode='whole')");
  const [mean, std] = [
    [123.675, 116.28, 103.53],
    [58.395, 57.12, 57.375],
  ];
  return [
    `# SETR-${d.kind === 'mla' ? 'MLA' : d.kind === 'pup' ? 'PUP' : 'Naive'} (${c.style} style) for mmsegmentation 1.x, written by \`setr export --to mmseg\`.`,
    '# The model only: add a dataset and a schedule (e.g. _base_ = [...] of configs/_base_/datasets and schedules).',
    `norm_cfg = dict(type='SyncBN', requires_grad=True)`,
    `backbone_norm_cfg = dict(type='LN', eps=${c.lnEps}, requires_grad=True)`,
    `data_preprocessor = dict(type='SegDataPreProcessor', mean=[${mean.join(', ')}], std=[${std.join(', ')}], bgr_to_rgb=True, pad_val=0, seg_pad_val=255)`,
    `model = ${py(dict(model), 0)}`,
    '',
  ].join('\n');
}
