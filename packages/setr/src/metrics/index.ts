/**
 * Segmentation metrics: a confusion matrix counted on the host, and IoU, mIoU, pixel accuracy and
 * class accuracy read off it with mmsegmentation's conventions (NaN classes left out of the means).
 */
export { ConfusionMatrix, type LabelMap } from './confusion-matrix.js';
export { classAccuracy, intersectionOverUnion, nanMean, pixelAccuracy, type SegmentationScores, segmentationScores } from './scores.js';
