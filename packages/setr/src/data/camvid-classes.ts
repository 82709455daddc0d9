/**
 * The 11 CamVid classes of the SegNet tutorial's copy (Brostow et al. 2009; Badrinarayanan et al.),
 * their colours and their median-frequency weights. In the label files, 0..10 are these classes and
 * 11 is void, which the loader turns into {@link IGNORE_INDEX} (255).
 */

/** Class names, in label order. */
export const CAMVID_CLASSES = [
  'Sky',
  'Building',
  'Pole',
  'Road',
  'Pavement',
  'Tree',
  'SignSymbol',
  'Fence',
  'Car',
  'Pedestrian',
  'Bicyclist',
] as const;

/** The void label in CamVid's files (ignored: the loader maps it to 255). */
export const CAMVID_VOID = 11;

/** RGB colour per class, as the SegNet scripts draw them (void is black). */
export const CAMVID_PALETTE: readonly (readonly [number, number, number])[] = [
  [128, 128, 128],
  [128, 0, 0],
  [192, 192, 128],
  [128, 64, 128],
  [60, 40, 222],
  [128, 128, 0],
  [192, 128, 128],
  [64, 64, 128],
  [64, 0, 128],
  [64, 64, 0],
  [0, 128, 192],
];

/**
 * Median-frequency class weights (Eigen & Fergus 2015, as SegNet balances CamVid): the weight of class c
 * is median(freq) / freq(c), with freq(c) = pixels of c / pixels of the images where c appears,
 * counted over the training split. For a weighted cross-entropy loss.
 * @example F.crossEntropy(logits, labels, { weight: tensor([...CAMVID_CLASS_WEIGHTS]), ignoreIndex: 255 })
 */
export const CAMVID_CLASS_WEIGHTS: readonly number[] = [0.2806, 0.2018, 4.7753, 0.1482, 1.0, 0.422, 3.8517, 1.9706, 0.7884, 6.367, 8.8588];
