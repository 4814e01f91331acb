"""Evaluation metrics: classification, regression, boxes (IoU, NMS) and embedding look-ups.

Arguments follow scikit-learn's order, ``(y_true, y_pred)``, and accept Tensors, numpy arrays or
lists. A ``y_pred`` of shape (n, C) next to labels of shape (n,) is read as scores and turned into
labels with argmax. Scalar metrics return Python floats; per-class results and matrices return
Tensors. ``box_iou`` is written in Tensor ops (differentiable); ``nms`` and ``cosine_topk`` are
plain look-ups.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..creation import as_tensor
from ..tensor import Tensor

_AVERAGES = ("binary", "micro", "macro", "weighted", None)


def _array(x, name: str) -> np.ndarray:
    if isinstance(x, Tensor):
        return x.detach()._data
    return np.asarray(x)


def _labels(y_true, y_pred, op: str) -> tuple[np.ndarray, np.ndarray]:
    """Class labels from both arguments; scores (n, C) become argmax labels."""
    t, p = _array(y_true, "y_true"), _array(y_pred, "y_pred")
    if p.ndim == t.ndim + 1 and p.ndim >= 2:
        p = p.argmax(axis=-1)
    if t.shape != p.shape:
        raise ValueError(f"{op}: y_true has shape {tuple(t.shape)} but y_pred has shape "
                         f"{tuple(p.shape)} (expected equal shapes, or scores (n, C) for "
                         f"labels (n,))")
    if t.size == 0:
        raise ValueError(f"{op}: got empty inputs")
    return t.reshape(-1), p.reshape(-1)


def accuracy(y_true, y_pred) -> float:
    """The fraction of predictions equal to the labels (sklearn.metrics.accuracy_score)."""
    t, p = _labels(y_true, y_pred, "accuracy")
    return float(np.mean(t == p))


def confusion_matrix(y_true, y_pred, num_classes: int | None = None,
                     normalize: str | None = None) -> Tensor:
    """Counts C[i, j] of samples with true class i predicted as j (rows: truth), classes
    0..num_classes-1; ``normalize`` 'true' | 'pred' | 'all' gives fractions
    (sklearn.metrics.confusion_matrix with integer labels)."""
    t, p = _labels(y_true, y_pred, "confusion_matrix")
    if t.dtype.kind not in "iub" or p.dtype.kind not in "iub":
        raise TypeError(f"confusion_matrix: labels must be integers, got {t.dtype} and {p.dtype}")
    if min(t.min(), p.min()) < 0:
        raise ValueError("confusion_matrix: labels must be non-negative class indices")
    n = int(max(t.max(), p.max())) + 1 if num_classes is None else int(num_classes)
    if max(t.max(), p.max()) >= n:
        raise ValueError(f"confusion_matrix: a label is >= num_classes={n}")
    counts = np.bincount(t.astype(np.int64) * n + p.astype(np.int64), minlength=n * n)
    matrix = counts.reshape(n, n)
    if normalize is None:
        return as_tensor(matrix.astype(np.int64))
    if normalize not in ("true", "pred", "all"):
        raise ValueError(f"confusion_matrix: normalize must be 'true', 'pred', 'all' or None, "
                         f"got {normalize!r}")
    totals = {"true": matrix.sum(axis=1, keepdims=True), "pred": matrix.sum(axis=0, keepdims=True),
              "all": matrix.sum()}[normalize]
    with np.errstate(invalid="ignore", divide="ignore"):
        fractions = np.where(totals == 0, 0.0, matrix / np.maximum(totals, 1))
    return as_tensor(fractions.astype(np.float64))


def _per_class_counts(y_true, y_pred, op: str, labels):
    t, p = _labels(y_true, y_pred, op)
    classes = (np.union1d(np.unique(t), np.unique(p)) if labels is None
               else np.asarray(list(labels)))
    true_pos = np.array([np.sum((t == c) & (p == c)) for c in classes], dtype=np.float64)
    predicted = np.array([np.sum(p == c) for c in classes], dtype=np.float64)
    support = np.array([np.sum(t == c) for c in classes], dtype=np.float64)
    return classes, true_pos, predicted, support


def _ratio(num: np.ndarray, den: np.ndarray, zero_division: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den == 0, float(zero_division), num / np.where(den == 0, 1, den))


def _scores(y_true, y_pred, op: str, average: str | None, pos_label, labels, zero_division):
    """Per-class precision, recall, F1 and support, then averaged as ``average`` asks."""
    if average not in _AVERAGES:
        raise ValueError(f"{op}: average has to be one of {_AVERAGES}, got {average!r}")
    classes, tp, predicted, support = _per_class_counts(y_true, y_pred, op, labels)
    if average == "binary":
        if len(classes) > 2:
            raise ValueError(f"{op}: Target is multiclass but average='binary'. Please choose "
                             f"another average setting, one of [None, 'micro', 'macro', "
                             f"'weighted'].")
        keep = classes == pos_label
        if len(classes) == 2 and not keep.any():
            raise ValueError(f"{op}: pos_label={pos_label} is not a valid label; labels are "
                             f"{classes.tolist()}")
        classes, tp, predicted, support = classes[keep], tp[keep], predicted[keep], support[keep]
        if not keep.any():
            tp = predicted = support = np.zeros(1)
    if average == "micro":
        tp, predicted, support = tp.sum(keepdims=True), predicted.sum(keepdims=True), \
            support.sum(keepdims=True)
    precision = _ratio(tp, predicted, zero_division)
    recall = _ratio(tp, support, zero_division)
    f1 = _ratio(2 * tp, predicted + support, zero_division)
    return precision, recall, f1, support


def _reduce(values: np.ndarray, support: np.ndarray, average: str | None, zero_division):
    if average is None:
        return as_tensor(values)
    if average == "weighted":
        total = support.sum()
        return float(zero_division) if total == 0 else float(np.sum(values * support) / total)
    return float(np.mean(values))


def precision(y_true, y_pred, average: str | None = "binary", pos_label=1,
              labels: Sequence | None = None, zero_division: float = 0.0) -> float | Tensor:
    """TP / (TP + FP), per class (``average=None``) or averaged 'binary' (of ``pos_label``),
    'micro', 'macro' or 'weighted' by support (sklearn.metrics.precision_score)."""
    p, _, _, support = _scores(y_true, y_pred, "precision", average, pos_label, labels,
                               zero_division)
    return _reduce(p, support, average, zero_division)


def recall(y_true, y_pred, average: str | None = "binary", pos_label=1,
           labels: Sequence | None = None, zero_division: float = 0.0) -> float | Tensor:
    """TP / (TP + FN), averaged like ``precision`` (sklearn.metrics.recall_score)."""
    _, r, _, support = _scores(y_true, y_pred, "recall", average, pos_label, labels,
                               zero_division)
    return _reduce(r, support, average, zero_division)


def f1_score(y_true, y_pred, average: str | None = "binary", pos_label=1,
             labels: Sequence | None = None, zero_division: float = 0.0) -> float | Tensor:
    """The harmonic mean of precision and recall per class, then averaged like ``precision``
    (macro averages the per-class F1s) (sklearn.metrics.f1_score)."""
    _, _, f1, support = _scores(y_true, y_pred, "f1_score", average, pos_label, labels,
                                zero_division)
    return _reduce(f1, support, average, zero_division)


def _regression(y_true, y_pred, op: str) -> tuple[np.ndarray, np.ndarray]:
    t = _array(y_true, "y_true").astype(np.float64)
    p = _array(y_pred, "y_pred").astype(np.float64)
    if t.shape != p.shape:
        raise ValueError(f"{op}: y_true has shape {tuple(t.shape)} but y_pred has shape "
                         f"{tuple(p.shape)}")
    if t.size == 0:
        raise ValueError(f"{op}: got empty inputs")
    return t.reshape(len(t), -1) if t.ndim else t.reshape(1, 1), \
        p.reshape(len(p), -1) if p.ndim else p.reshape(1, 1)


def mean_absolute_error(y_true, y_pred) -> float:
    """mean |y_true - y_pred|, averaged over outputs (sklearn.metrics.mean_absolute_error)."""
    t, p = _regression(y_true, y_pred, "mean_absolute_error")
    return float(np.mean(np.abs(t - p)))


def mean_squared_error(y_true, y_pred) -> float:
    """mean (y_true - y_pred)^2, averaged over outputs (sklearn.metrics.mean_squared_error)."""
    t, p = _regression(y_true, y_pred, "mean_squared_error")
    return float(np.mean((t - p) ** 2))


def r2_score(y_true, y_pred) -> float:
    """Coefficient of determination 1 - SS_res / SS_tot, the uniform average over outputs; a
    constant target scores 1 if predicted exactly, else 0 (sklearn.metrics.r2_score)."""
    t, p = _regression(y_true, y_pred, "r2_score")
    ss_res = np.sum((t - p) ** 2, axis=0)
    ss_tot = np.sum((t - t.mean(axis=0)) ** 2, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(ss_tot == 0, np.where(ss_res == 0, 1.0, 0.0),
                          1 - ss_res / np.where(ss_tot == 0, 1, ss_tot))
    return float(np.mean(scores))


# ---------------------------------------------------------------------------------------- boxes
def _check_boxes(boxes: Tensor, op: str, name: str) -> None:
    if not isinstance(boxes, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(boxes).__name__}")
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{op}: {name} must have shape (N, 4) as (x1, y1, x2, y2), got "
                         f"{tuple(boxes.shape)}")


def box_area(boxes: Tensor) -> Tensor:
    """Areas of (N, 4) boxes given as (x1, y1, x2, y2) (torchvision.ops.box_area)."""
    _check_boxes(boxes, "box_area", "boxes")
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """Pairwise intersection over union, (N, 4) x (M, 4) xyxy boxes -> (N, M)
    (torchvision.ops.box_iou); differentiable."""
    _check_boxes(boxes1, "box_iou", "boxes1")
    _check_boxes(boxes2, "box_iou", "boxes2")
    top_left = boxes1[:, None, :2].maximum(boxes2[None, :, :2])
    bottom_right = boxes1[:, None, 2:].minimum(boxes2[None, :, 2:])
    size = (bottom_right - top_left).clamp(min=0)
    inter = size[..., 0] * size[..., 1]
    union = box_area(boxes1)[:, None] + box_area(boxes2)[None, :] - inter
    return inter / union


def nms(boxes: Tensor, scores: Tensor, iou_threshold: float) -> Tensor:
    """Greedy non-maximum suppression: indices (int64) of the kept boxes by decreasing score;
    a box is dropped when its IoU with a kept higher-scoring box exceeds ``iou_threshold``
    (torchvision.ops.nms)."""
    _check_boxes(boxes, "nms", "boxes")
    s = _array(scores, "scores")
    if s.shape != (boxes.shape[0],):
        raise ValueError(f"nms: scores must have shape ({boxes.shape[0]},), got {s.shape}")
    b = boxes.detach()._data.astype(np.float64)
    order = np.argsort(-s, kind="stable")
    areas = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    keep = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(best)
        w = np.clip(np.minimum(b[best, 2], b[rest, 2]) - np.maximum(b[best, 0], b[rest, 0]), 0,
                    None)
        h = np.clip(np.minimum(b[best, 3], b[rest, 3]) - np.maximum(b[best, 1], b[rest, 1]), 0,
                    None)
        inter = w * h
        with np.errstate(invalid="ignore", divide="ignore"):
            iou = inter / (areas[best] + areas[rest] - inter)
        order = rest[~(iou > iou_threshold)]
    return as_tensor(np.asarray(keep, dtype=np.int64))


# ---------------------------------------------------------------------------------------- vectors
def cosine_topk(query, keys, k: int = 5, exclude: Sequence[int] | None = None
                ) -> tuple[Tensor, Tensor]:
    """The ``k`` rows of ``keys`` (n, d) most cosine-similar to ``query`` (d,) or (q, d):
    returns ``(similarities, indices)``, best first; ``exclude`` drops given key indices
    (e.g. the query words of an analogy)."""
    q, K = _array(query, "query").astype(np.float64), _array(keys, "keys").astype(np.float64)
    single = q.ndim == 1
    q = q[None, :] if single else q
    if K.ndim != 2 or q.ndim != 2 or q.shape[1] != K.shape[1]:
        raise ValueError(f"cosine_topk: query {tuple(_array(query, 'q').shape)} and keys "
                         f"{tuple(K.shape)} must be (d,) or (q, d) and (n, d)")
    eps = 1e-12
    sims = (q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), eps)) @ (
        K / np.maximum(np.linalg.norm(K, axis=1, keepdims=True), eps)).T
    if exclude is not None:
        sims[:, list(exclude)] = -np.inf
    available = K.shape[0] - (len(set(exclude)) if exclude is not None else 0)
    if not 0 < k <= available:
        raise ValueError(f"cosine_topk: k={k} must be between 1 and the {available} candidates")
    idx = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    top = np.take_along_axis(sims, idx, axis=1)
    if single:
        top, idx = top[0], idx[0]
    return as_tensor(top), as_tensor(idx.astype(np.int64))
