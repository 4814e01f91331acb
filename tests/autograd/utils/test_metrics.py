"""Metrics against reference values. The expected classification and regression numbers were
computed once with scikit-learn 1.9.1 (accuracy_score, precision/recall/f1_score with
zero_division=0, confusion_matrix, mean_absolute_error, mean_squared_error, r2_score) on the
inputs below and hard-coded here; box IoU and NMS are checked against torchvision-style
hand-computed values and brute force."""

import numpy as np
import pytest

import autograd
from autograd.utils import metrics as M

Y_TRUE = [0, 1, 2, 2, 1, 0, 3, 3, 2, 1, 0, 2]
Y_PRED = [0, 2, 2, 1, 1, 0, 3, 0, 2, 1, 1, 2]
SKLEARN = {  # average: (precision, recall, f1)
    "micro": (0.6666666666666666, 0.6666666666666666, 0.6666666666666666),
    "macro": (0.7291666666666666, 0.6458333333333333, 0.6636904761904762),
    "weighted": (0.7083333333333334, 0.6666666666666666, 0.6706349206349206),
}
PER_CLASS = ([2 / 3, 0.5, 0.75, 1.0], [2 / 3, 2 / 3, 0.75, 0.5], [2 / 3, 0.57142857142857, 0.75,
                                                                   2 / 3])


def test_accuracy_from_labels_and_from_scores():
    assert M.accuracy(Y_TRUE, Y_PRED) == pytest.approx(0.6666666666666666)
    scores = np.eye(4, dtype=np.float32)[Y_PRED] * 3 - 1
    assert M.accuracy(autograd.tensor(Y_TRUE), autograd.tensor(scores)) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="shape"):
        M.accuracy([0, 1], [0, 1, 1])


@pytest.mark.parametrize("average", sorted(SKLEARN))
def test_precision_recall_f1_averages_match_sklearn(average):
    expected = SKLEARN[average]
    got = (M.precision(Y_TRUE, Y_PRED, average=average), M.recall(Y_TRUE, Y_PRED, average=average),
           M.f1_score(Y_TRUE, Y_PRED, average=average))
    assert got == pytest.approx(expected, rel=1e-12)


def test_per_class_scores_match_sklearn():
    for fn, expected in zip((M.precision, M.recall, M.f1_score), PER_CLASS):
        got = fn(autograd.tensor(Y_TRUE), autograd.tensor(Y_PRED), average=None)
        assert isinstance(got, autograd.Tensor)
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)


def test_binary_scores_and_pos_label_match_sklearn():
    t, p = [1, 0, 1, 1, 0, 0, 1, 0], [1, 1, 1, 0, 0, 0, 1, 1]
    assert M.precision(t, p) == pytest.approx(0.6)
    assert M.recall(t, p) == pytest.approx(0.75)
    assert M.f1_score(t, p) == pytest.approx(0.6666666666666666)
    assert M.precision(t, p, pos_label=0) == pytest.approx(0.6666666666666666)
    assert M.f1_score(t, p, pos_label=0) == pytest.approx(0.5714285714285714)
    with pytest.raises(ValueError, match="multiclass"):
        M.precision(Y_TRUE, Y_PRED)


def test_zero_division_gives_zero_like_sklearn():
    t, p = [0, 1, 1, 2], [0, 1, 1, 1]
    np.testing.assert_allclose(M.precision(t, p, average=None).numpy(), [1.0, 2 / 3, 0.0])
    assert M.f1_score(t, p, average="macro") == pytest.approx(0.6)


def test_confusion_matrix_matches_sklearn():
    cm = M.confusion_matrix(Y_TRUE, Y_PRED)
    assert cm.dtype == autograd.int64
    assert cm.tolist() == [[2, 1, 0, 0], [0, 2, 1, 0], [0, 1, 3, 0], [1, 0, 0, 1]]
    np.testing.assert_allclose(M.confusion_matrix(Y_TRUE, Y_PRED, normalize="true").numpy()[2],
                               [0.0, 0.25, 0.75, 0.0])
    assert M.confusion_matrix([0, 1], [1, 1], num_classes=3).shape == (3, 3)
    assert M.confusion_matrix(Y_TRUE, Y_PRED, normalize="all").numpy().sum() == pytest.approx(1)


def test_regression_metrics_match_sklearn():
    t, p = [3.0, -0.5, 2.0, 7.0, 4.2], [2.5, 0.0, 2.0, 8.0, 3.9]
    assert M.mean_absolute_error(t, p) == pytest.approx(0.46)
    assert M.mean_squared_error(autograd.tensor(t), autograd.tensor(p)) == pytest.approx(0.318)
    assert M.r2_score(t, p) == pytest.approx(0.9480256276150627, rel=1e-12)
    t2, p2 = [[0.5, 1], [-1, 1], [7, -6]], [[0, 2], [-1, 2], [8, -5]]
    assert M.mean_absolute_error(t2, p2) == pytest.approx(0.75)
    assert M.mean_squared_error(t2, p2) == pytest.approx(0.7083333333333334)
    assert M.r2_score(t2, p2) == pytest.approx(0.9368005266622779, rel=1e-12)
    assert M.r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0 and M.r2_score([2.0, 2.0], [2.0, 2.1]) == 0.0


def test_box_iou_pairwise_values_and_gradient():
    a = autograd.tensor([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 3.0]], requires_grad=True)
    b = autograd.tensor([[1.0, 1.0, 2.0, 2.0], [5.0, 5.0, 6.0, 6.0], [0.0, 0.0, 2.0, 2.0]])
    iou = M.box_iou(a, b)
    assert iou.shape == (2, 3)
    np.testing.assert_allclose(iou.detach().numpy(), [[0.25, 0.0, 1.0], [0.25, 0.0, 1 / 7]],
                               rtol=1e-6)
    iou.sum().backward()
    assert a.grad.shape == (2, 4)
    with pytest.raises(ValueError, match=r"\(N, 4\)"):
        M.box_iou(autograd.zeros(3), b)


def _brute_force_nms(boxes, scores, threshold):
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    keep = []
    iou = M.box_iou(autograd.tensor(boxes), autograd.tensor(boxes)).numpy()
    for i in order:
        if all(iou[i, j] <= threshold for j in keep):
            keep.append(i)
    return keep


def test_nms_keeps_the_best_of_each_overlapping_cluster(rng):
    boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [21, 19, 31, 29],
             [0, 0, 10, 10.5], [50, 50, 52, 52]]
    scores = [0.9, 0.8, 0.7, 0.95, 0.6, 0.1]
    kept = M.nms(autograd.tensor(boxes), autograd.tensor(scores), 0.5)
    assert kept.dtype == autograd.int64 and kept.tolist() == [3, 0, 5]
    xy = rng.uniform(0, 20, (30, 2))
    random_boxes = np.concatenate([xy, xy + rng.uniform(2, 8, (30, 2))], axis=1)
    random_scores = rng.uniform(size=30)
    got = M.nms(autograd.tensor(random_boxes), autograd.tensor(random_scores), 0.3).tolist()
    assert got == _brute_force_nms(random_boxes, random_scores, 0.3)


def test_cosine_topk_ranks_rows_and_excludes_indices():
    keys = autograd.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.0]])
    sims, idx = M.cosine_topk(autograd.tensor([2.0, 0.1]), keys, k=2)
    assert idx.tolist() == [0, 2] and sims.numpy()[0] == pytest.approx(2 / np.hypot(2, 0.1))
    sims, idx = M.cosine_topk(keys[:2], keys, k=1, exclude=[0, 1])
    assert idx.tolist() == [[2], [2]]
    with pytest.raises(ValueError, match="k=5"):
        M.cosine_topk(keys[0], keys, k=5)
