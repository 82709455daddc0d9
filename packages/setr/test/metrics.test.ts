import { tensor } from '@setr-ts/tensor';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/data/index.js';
import { ConfusionMatrix, classAccuracy, intersectionOverUnion, nanMean, pixelAccuracy, segmentationScores } from '../src/metrics/index.js';

const i32 = (values: number[]) => Int32Array.from(values);

describe('ConfusionMatrix and scores', () => {
  it('match a hand-computed case', () => {
    // truth 0 0 1 1 2 255, prediction 0 1 1 1 0 2: the last pixel is ignored
    const cm = new ConfusionMatrix(3).update(i32([0, 1, 1, 1, 0, 2]), i32([0, 0, 1, 1, 2, 255]));
    expect([...cm.counts]).toEqual([1, 1, 0, 0, 2, 0, 1, 0, 0]);
    expect(cm.total).toBe(5);
    const s = segmentationScores(cm);
    // IoU_0 = 1 / (2 + 2 − 1), IoU_1 = 2 / (2 + 3 − 2), IoU_2 = 0 / (1 + 0 − 0)
    expect(s.iou).toEqual([1 / 3, 2 / 3, 0]);
    expect(s.meanIoU).toBeCloseTo(1 / 3, 12);
    expect(s.classAccuracy).toEqual([0.5, 1, 0]);
    expect(s.meanClassAccuracy).toBe(0.5);
    expect(s.pixelAccuracy).toBe(3 / 5);
  });

  it('leave a class out of the means when it is in neither truth nor prediction (NaN, as mmseg)', () => {
    // 4 classes; class 3 never appears; class 2 is predicted but not in the truth
    const cm = new ConfusionMatrix(4).update(i32([0, 1, 2, 1]), i32([0, 1, 1, 1]));
    const s = segmentationScores(cm);
    expect(s.iou[3]).toBeNaN();
    expect(s.iou.slice(0, 3)).toEqual([1, 2 / 3, 0]); // class 2: union 1, intersection 0
    expect(s.meanIoU).toBeCloseTo((1 + 2 / 3 + 0) / 3, 12);
    expect(s.classAccuracy[2]).toBeNaN(); // absent from the truth
    expect(s.classAccuracy[3]).toBeNaN();
    expect(s.meanClassAccuracy).toBeCloseTo((1 + 2 / 3) / 2, 12);
    const empty = segmentationScores(new ConfusionMatrix(2));
    expect([empty.meanIoU, empty.pixelAccuracy, nanMean([])]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it('take int32 tensors of any shape', () => {
    const pred = tensor(i32([0, 1, 1, 0, 1, 1]), [1, 2, 3]);
    const truth = tensor(i32([0, 1, 255, 0, 0, 1]), [1, 2, 3]);
    const cm = new ConfusionMatrix(2).update(pred, truth);
    expect([...cm.counts]).toEqual([2, 1, 0, 2]);
    expect(() => cm.update(pred, tensor(i32([0, 1, 1, 0, 1, 1]), [2, 3]))).toThrow(
      'ConfusionMatrix.update: prediction [1,2,3] and truth [2,3] differ in shape',
    );
    expect(() => cm.update(tensor([0, 1]), truth)).toThrow('ConfusionMatrix.update: the prediction must be int32, got float32');
    for (const t of [pred, truth]) t.dispose();
  });

  it('reject values that are not class indices, the ignore index allowed only in the truth', () => {
    const cm = new ConfusionMatrix(3);
    expect(() => cm.update(i32([0, 3]), i32([0, 1]))).toThrow(
      'ConfusionMatrix.update: predicted value 3 at element 1 is not a class in [0, 3)',
    );
    expect(() => cm.update(i32([0, 255]), i32([0, 1]))).toThrow('predicted value 255 at element 1');
    expect(() => cm.update(i32([0, 0]), i32([-1, 1]))).toThrow(
      'ConfusionMatrix.update: truth value -1 at element 0 is not a class in [0, 3) nor the ignore index 255',
    );
    expect(() => cm.update(Float32Array.from([0, 1.5]), i32([0, 1]))).toThrow('predicted value 1.5 at element 1 is not a class');
    expect(() => cm.update(i32([0]), i32([0, 1]))).toThrow('prediction [1] and truth [2] differ in shape');
    expect(new ConfusionMatrix(2).update(i32([7]), i32([255])).total).toBe(0); // whatever is predicted at an ignored pixel
  });

  it('agree with a brute-force recount on random maps; merge adds, reset clears', () => {
    const rng = new Rng(17);
    const k = 5;
    const n = 4000;
    const draw = () => i32(Array.from({ length: n }, () => (rng.float() < 0.1 ? 255 : rng.int(k))));
    const truth = draw();
    const pred = i32(Array.from(truth, (t) => (t !== 255 && rng.float() < 0.6 ? t : rng.int(k))));
    const half = n / 2;
    const cm = new ConfusionMatrix(k).update(pred.subarray(0, half), truth.subarray(0, half));
    cm.merge(new ConfusionMatrix(k).update(pred.subarray(half), truth.subarray(half)));
    for (let c = 0; c < k; c++) {
      let inter = 0;
      let union = 0;
      let inTruth = 0;
      for (let i = 0; i < n; i++) {
        if (truth[i] === 255) continue;
        const [isT, isP] = [truth[i] === c, pred[i] === c];
        inter += isT && isP ? 1 : 0;
        union += isT || isP ? 1 : 0;
        inTruth += isT ? 1 : 0;
      }
      expect(intersectionOverUnion(cm)[c]).toBe(inter / union);
      expect(classAccuracy(cm)[c]).toBe(inter / inTruth);
    }
    const counted = truth.filter((t) => t !== 255).length;
    const correct = truth.filter((t, i) => t !== 255 && t === pred[i]).length;
    expect(pixelAccuracy(cm)).toBe(correct / counted);
    expect(cm.total).toBe(counted);
    expect(cm.reset().total).toBe(0);
    expect(() => cm.merge(new ConfusionMatrix(4))).toThrow('ConfusionMatrix.merge: 4 classes do not match 5');
  });
});
