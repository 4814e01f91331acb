"""Loss functions (torch.nn.functional.*_loss), composed from Tensor ops.

Every loss takes ``reduction`` in {'none', 'mean', 'sum'} (and the legacy size_average/reduce
pair); class weights follow torch's rule that a weighted mean divides by the sum of the weights
of the targets actually used. Log-probabilities come from a max-shifted log_softmax and
log-sigmoids from a softplus, so logits of +-1e4 stay finite.
"""

from __future__ import annotations

import math
import warnings

import autograd
from autograd import Tensor
from autograd.ops.fused import cross_entropy_indices

from .activation import log_softmax, logsigmoid, softplus
from .distance import pairwise_distance

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "kl_div",
           "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss", "hinge_embedding_loss", "soft_margin_loss",
           "multilabel_soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss",
           "poisson_nll_loss", "gaussian_nll_loss", "ctc_loss"]

_REDUCTIONS = ("none", "mean", "sum")


def legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """Map the deprecated size_average/reduce flags onto ``reduction`` as torch does."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn("size_average and reduce args will be deprecated, please use reduction='"
                  f"{_legacy_string(size_average, reduce)}' instead.", stacklevel=3)
    return _legacy_string(size_average, reduce)


def _legacy_string(size_average: bool | None, reduce: bool | None) -> str:
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    return "sum" if reduce else "none"


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _match_target(op: str, input: Tensor, target: Tensor) -> None:
    """Different shapes broadcast with a warning, as torch does; incompatible ones are refused."""
    if tuple(target.shape) == tuple(input.shape):
        return
    warnings.warn(
        f"{op}: Using a target size ({tuple(target.shape)}) that is different to the input size "
        f"({tuple(input.shape)}). This will likely lead to incorrect results due to "
        f"broadcasting. Please ensure they have the same size.", stacklevel=3)


def _elementwise_weight(op: str, loss: Tensor, weight: Tensor | None, input: Tensor) -> Tensor:
    """Multiply by an elementwise ``weight``, which must have the input's shape (as in torch)."""
    if weight is None:
        return loss
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError(f"{op}: Weights and input must have the same size (weight "
                         f"{tuple(weight.shape)}, input {tuple(input.shape)}).")
    return loss * weight


# ---------------------------------------------------------------- regression
def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """(input - target)^2, optionally weighted elementwise (torch.nn.functional.mse_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _match_target("mse_loss", input, target)
    diff = input - target
    loss = _elementwise_weight("mse_loss", diff * diff, weight, input)
    # torch's weighted mean divides by the total weight
    return _reduce(loss, reduction) if weight is None else _weighted_reduce(loss, weight, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """|input - target|, optionally weighted elementwise (torch.nn.functional.l1_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _match_target("l1_loss", input, target)
    loss = _elementwise_weight("l1_loss", (input - target).abs(), weight, input)
    # torch's weighted mean divides by the total weight
    return _reduce(loss, reduction) if weight is None else _weighted_reduce(loss, weight, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (torch.nn.functional.
    smooth_l1_loss); beta = 0 is the L1 loss."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _match_target("smooth_l1_loss", input, target)
    diff = (input - target).abs()
    if beta == 0:
        return _reduce(diff, reduction)
    loss = autograd.where(diff < beta, diff * diff * (0.5 / beta), diff - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere
    (torch.nn.functional.huber_loss); a weighted 'mean' is the plain mean of weighted terms."""
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _match_target("huber_loss", input, target)
    diff = (input - target).abs()
    loss = autograd.where(diff < delta, diff * diff * 0.5, (diff - 0.5 * delta) * delta)
    return _reduce(_elementwise_weight("huber_loss", loss, weight, input), reduction)


# ---------------------------------------------------------------- binary classification
def _same_shape(op: str, input: Tensor, target: Tensor, message: str) -> None:
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"{op}: " + message.format(target=tuple(target.shape),
                                                    input=tuple(input.shape)))


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) on probabilities, each log clamped at -100 like torch
    (torch.nn.functional.binary_cross_entropy)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _same_shape("binary_cross_entropy", input, target,
                "Using a target size ({target}) that is different to the input size ({input}) "
                "is deprecated. Please ensure they have the same size.")
    if input.numel() and (float(input.detach().min()) < 0 or float(input.detach().max()) > 1):
        raise RuntimeError("binary_cross_entropy: all elements of input should be between 0 "
                           "and 1")

    def clamped_log(p: Tensor) -> Tensor:
        positive = p > 0
        return autograd.where(positive, autograd.where(positive, p, 1.0).log().clamp(min=-100.0),
                              -100.0)

    loss = -(target * clamped_log(input) + (1 - target) * clamped_log(1 - input))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + binary cross-entropy in the stable form (1 - y) x + (1 + (pw - 1) y)
    softplus(-x) (torch.nn.functional.binary_cross_entropy_with_logits)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _same_shape("binary_cross_entropy_with_logits", input, target,
                "Target size ({target}) must be the same as input size ({input})")
    neg_log_sigmoid = softplus(-input)
    if pos_weight is not None:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * neg_log_sigmoid
    else:
        loss = (1 - target) * input + neg_log_sigmoid
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# ---------------------------------------------------------------- multi-class
def _class_weight(op: str, weight: Tensor | None, classes: int) -> None:
    if weight is not None and (weight.dim() != 1 or weight.numel() != classes):
        raise RuntimeError(
            f"{op}: weight tensor should be defined either for all {classes} classes or no "
            f"classes but got weight tensor of shape: {list(weight.shape)}")


def _check_class_target(op: str, input: Tensor, target: Tensor) -> None:
    """Class-index targets: integer dtype, shape input.shape without dim 1, values in range."""
    if target.dtype.kind not in "iu":
        raise RuntimeError(
            f"{op}: expected target of class indices with dtype int64 (Long), but got target of "
            f"dtype {target.dtype} and shape {tuple(target.shape)} for input of shape "
            f"{tuple(input.shape)} (class-probability targets must have the input's shape)")
    if input.dim() == 0:
        raise RuntimeError(f"{op}: input must have at least 1 dimension (classes), got a 0-d "
                           f"tensor")
    expected = () if input.dim() == 1 else (input.shape[0],) + tuple(input.shape[2:])
    if tuple(target.shape) != expected:
        if input.dim() >= 2 and target.dim() >= 1 and target.shape[0] != input.shape[0]:
            raise ValueError(
                f"{op}: Expected input batch_size ({input.shape[0]}) to match target batch_size "
                f"({target.shape[0]}) (input {tuple(input.shape)}, target "
                f"{tuple(target.shape)}).")
        raise RuntimeError(
            f"{op}: expected target of shape {expected} for input of shape "
            f"{tuple(input.shape)} (N, C, d1, ...), got target of shape {tuple(target.shape)}")


def _check_target_range(op: str, input: Tensor, target: Tensor,
                        ignore_index: int | None) -> None:
    if target.numel() == 0:
        return
    classes = input.shape[0] if input.dim() == 1 else input.shape[1]
    bad = (target < 0) | (target >= classes)
    if ignore_index is not None:
        bad = bad & (target != ignore_index)
    if bool(bad.any()):
        value = int(target[bad].reshape(-1)[0])
        raise IndexError(
            f"{op}: Target {value} is out of bounds for {classes} classes (input of shape "
            f"{tuple(input.shape)}, target of shape {tuple(target.shape)}).")


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """-input[n, target[n]] * weight[target[n]] for log-probabilities of shape (N, C, d1, ...)
    or (C,), skipping ``ignore_index`` (torch.nn.functional.nll_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _check_class_target("nll_loss", input, target)
    classes = input.shape[0] if input.dim() == 1 else input.shape[1]
    _class_weight("nll_loss", weight, classes)
    _check_target_range("nll_loss", input, target, ignore_index)
    picked, target_weight = _pick(input, target, weight, ignore_index)
    return _weighted_reduce(-picked * target_weight, target_weight, reduction)


def _weighted_reduce(loss: Tensor, target_weight: Tensor, reduction: str) -> Tensor:
    """torch's class-weighted reduction: 'mean' divides by the total weight of the targets."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    total = target_weight.sum()
    empty = total == 0
    # nothing counted (all targets ignored): the mean is nan but, as in torch, the gradient is 0
    return autograd.where(empty, float("nan"), loss.sum() / autograd.where(empty, 1.0, total))


def _pick(input: Tensor, target: Tensor, weight: Tensor | None,
          ignore_index: int) -> tuple[Tensor, Tensor]:
    """input at each target class (shape of target) and each target's weight (0 if ignored)."""
    if input.dim() == 1:
        input, target = input.unsqueeze(0), target.unsqueeze(0)
        squeeze = True
    else:
        squeeze = False
    target = target.to(autograd.int64)
    used = target != ignore_index
    safe = autograd.where(used, target, 0)
    picked = input.gather(1, safe.unsqueeze(1)).squeeze(1)
    if weight is not None:
        target_weight = weight.to(input.dtype)[safe.reshape(-1)].reshape(safe.shape)
        target_weight = autograd.where(used, target_weight, 0.0)
    else:
        target_weight = used.to(input.dtype)
    if squeeze:
        return picked.squeeze(0), target_weight.squeeze(0)
    return picked, target_weight


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over dim 1 (dim 0 for unbatched input) followed by the negative
    log-likelihood of class indices, or of class probabilities when ``target`` has the input's
    shape (torch.nn.functional.cross_entropy)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.dim() == 0:
        raise RuntimeError("cross_entropy: input must have at least 1 dimension (classes), got "
                           "a 0-d tensor")
    class_dim = 0 if input.dim() == 1 else 1
    classes = input.shape[class_dim]
    _class_weight("cross_entropy", weight, classes)
    if tuple(target.shape) == tuple(input.shape) and target.dtype.kind == "f":
        if ignore_index >= 0:
            raise RuntimeError(f"cross_entropy: ignore_index is not supported for floating point "
                               f"target (class probabilities); got ignore_index={ignore_index}")
        return _cross_entropy_probabilities(log_softmax(input, class_dim), target, weight,
                                            reduction, label_smoothing, class_dim)
    if tuple(target.shape) == tuple(input.shape) and target.dtype.kind in "iu" \
            and input.dim() > 1:
        raise RuntimeError(
            f"cross_entropy: Expected floating point type for target with class probabilities, "
            f"got {target.dtype} (input {tuple(input.shape)}, target {tuple(target.shape)})")
    _check_class_target("cross_entropy", input, target)
    _check_target_range("cross_entropy", input, target, ignore_index)
    if weight is None and label_smoothing == 0.0 and reduction == "mean" and input.dim() == 2 \
            and input.shape[0] and not (target == ignore_index).any():
        return cross_entropy_indices(input, target)     # the common case as one fused node
    logp = log_softmax(input, class_dim)
    picked, target_weight = _pick(logp, target, weight, ignore_index)
    loss = _weighted_reduce(-picked * target_weight, target_weight, reduction)
    if label_smoothing == 0.0:
        return loss
    # the uniform part of the smoothed target: -sum_c w_c log p_c over every class
    shape = [1] * input.dim()
    shape[class_dim] = classes
    weighted = logp * weight.to(logp.dtype).reshape(shape) if weight is not None else logp
    used = target != ignore_index
    smooth = autograd.where(used, -weighted.sum(class_dim), 0.0)
    # unweighted, target_weight is the 0/1 mask of used targets: 'mean' divides by their count
    smooth = _weighted_reduce(smooth, target_weight, reduction)
    return loss * (1 - label_smoothing) + smooth * (label_smoothing / classes)


def _cross_entropy_probabilities(logp: Tensor, target: Tensor, weight: Tensor | None,
                                 reduction: str, label_smoothing: float,
                                 class_dim: int) -> Tensor:
    classes = logp.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    terms = logp * target
    if weight is not None:
        shape = [1] * logp.dim()
        shape[class_dim] = classes
        terms = terms * weight.to(logp.dtype).reshape(shape)
    loss = -terms.sum(class_dim)
    if reduction == "mean":
        return loss.sum() / (logp.numel() // classes) if logp.numel() else loss.sum()
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """target * (log target - input) for log-probabilities ``input``
    (torch.nn.functional.kl_div); 'batchmean' divides the sum by the batch size."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in _REDUCTIONS + ("batchmean",):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.", stacklevel=2)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = autograd.xlogy(target, target) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.dim() > 0 else total
    return _reduce(loss, reduction)


# ---------------------------------------------------------------- embeddings and ranking
def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor,
                          margin: float = 0.0, size_average=None, reduce=None,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1
    (torch.nn.functional.cosine_embedding_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input1.shape != input2.shape:
        raise RuntimeError(f"cosine_embedding_loss: input1 {tuple(input1.shape)} and input2 "
                           f"{tuple(input2.shape)} must have the same shape")
    dim = input1.dim() - 1
    if dim < 0 or dim > 1 or target.dim() != dim:
        raise RuntimeError(
            f"cosine_embedding_loss: expected 1-D or 2-D inputs with a target of one dimension "
            f"less, got inputs {tuple(input1.shape)} and target {tuple(target.shape)}")
    eps = 1e-12
    dot = (input1 * input2).sum(dim)
    mag1 = (input1 * input1).sum(dim) + eps
    mag2 = (input2 * input2).sum(dim) + eps
    cos = dot / (mag1 * mag2).sqrt()
    zeros = cos * 0.0
    pos = autograd.where(target == 1, 1 - cos, zeros)
    neg = autograd.where(target == -1, (cos - margin).clamp(min=0.0), zeros)
    return _reduce(pos + neg, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """max(0, -y (x1 - x2) + margin) (torch.nn.functional.margin_ranking_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {tuple(input1.shape)}, input2: {tuple(input2.shape)}, target: "
            f"{tuple(target.shape)} ")
    loss = (-target * (input1 - input2) + margin).clamp(min=0.0)
    return _reduce(loss, reduction)


def _triplet_loss(d_pos: Tensor, d_neg: Tensor, d_swap: Tensor | None, margin: float,
                  reduction: str) -> Tensor:
    if d_swap is not None:
        d_neg = autograd.where(d_swap < d_neg, d_swap, d_neg)
    return _reduce((d_pos - d_neg + margin).clamp(min=0.0), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0) with the p-norm distance; ``swap`` uses
    min(d(a, n), d(p, n)) (torch.nn.functional.triplet_margin_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1 or dims[0] not in (1, 2):
        raise RuntimeError(
            f"triplet_margin_loss: The anchor, positive, and negative tensors are expected to "
            f"have the same number of dimensions (1 or 2), but got: anchor "
            f"{tuple(anchor.shape)}, positive {tuple(positive.shape)}, negative "
            f"{tuple(negative.shape)}")
    if margin <= 0:
        raise ValueError(f"triplet_margin_loss: expected margin to be greater than 0, got "
                         f"{margin} instead")
    d_swap = pairwise_distance(positive, negative, p, eps) if swap else None
    return _triplet_loss(pairwise_distance(anchor, positive, p, eps),
                         pairwise_distance(anchor, negative, p, eps), d_swap, margin, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Tensor:
    """The triplet loss with any distance (pairwise_distance by default)
    (torch.nn.functional.triplet_margin_with_distance_loss)."""
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"triplet_margin_with_distance_loss: expected margin to be greater "
                         f"than 0, got {margin} instead")
    distance = pairwise_distance if distance_function is None else distance_function
    d_swap = distance(positive, negative) if swap else None
    return _triplet_loss(distance(anchor, positive), distance(anchor, negative), d_swap, margin,
                         reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """x for target 1, max(0, margin - x) for target -1
    (torch.nn.functional.hinge_embedding_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    zeros = input * 0.0
    margin_part = autograd.where(target != 1, (margin - input).clamp(min=0.0), zeros)
    self_part = autograd.where(target != -1, input, zeros)
    return _reduce(margin_part + self_part, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """log(1 + exp(-y x)) (torch.nn.functional.soft_margin_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _same_shape("soft_margin_loss", input, target,
                "Using a target size ({target}) that is different to the input size ({input}) "
                "is not supported. Please ensure they have the same size.")
    return _reduce(softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average=None, reduce=None,
                                reduction: str = "mean") -> Tensor:
    """Per-class binary cross-entropy on logits, averaged over the classes
    (torch.nn.functional.multilabel_soft_margin_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    return _reduce(loss, reduction)


def _rows(op: str, input: Tensor, target: Tensor) -> tuple[Tensor, Tensor, bool]:
    """(N, C) input and its target, adding the batch dim to 1-D input."""
    if input.dim() not in (1, 2):
        raise RuntimeError(f"{op}: expected 1-D or 2-D input (C) or (N, C), got shape "
                           f"{tuple(input.shape)}")
    if input.dim() == 1:
        return input.unsqueeze(0), target.reshape(1, -1) if target.dim() else target.reshape(1), \
            True
    return input, target, False


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    """Multi-class hinge: sum over wrong classes j of max(0, margin - x[y] + x[j])^p / C
    (torch.nn.functional.multi_margin_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x, y, unbatched = _rows("multi_margin_loss", input, target)
    y = y.reshape(-1)
    classes = x.shape[1]
    if y.dtype.kind not in "iu" or y.shape[0] != x.shape[0]:
        raise RuntimeError(f"multi_margin_loss: expected an integer target of shape "
                           f"({x.shape[0]},) for input of shape {tuple(input.shape)}, got "
                           f"{y.dtype} target of shape {tuple(target.shape)}")
    _check_target_range("multi_margin_loss", x, y, None)
    y = y.to(autograd.int64)
    hinge = (x - x.gather(1, y.unsqueeze(1)) + margin).clamp(min=0.0)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * weight.to(x.dtype)[y].unsqueeze(1)
    wrong = (autograd.arange(classes).unsqueeze(0) != y.unsqueeze(1)).to(x.dtype)
    loss = (hinge * wrong).sum(1) / classes
    return _reduce(loss.squeeze(0) if unbatched else loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    """Multi-label hinge: for each target class j (the target row up to its first -1) and each
    non-target class i, max(0, 1 - (x[j] - x[i])), summed and divided by C
    (torch.nn.functional.multilabel_margin_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    x, y, unbatched = _rows("multilabel_margin_loss", input, target)
    if tuple(y.shape) != tuple(x.shape) or y.dtype.kind not in "iu":
        raise RuntimeError(f"multilabel_margin_loss: expected an integer target of the input's "
                           f"shape {tuple(input.shape)}, got {y.dtype} target of shape "
                           f"{tuple(target.shape)}")
    classes = x.shape[1]
    y = y.to(autograd.int64)
    # targets count up to the first -1 in each row
    valid = (y >= 0).to(autograd.int64).cumprod(1) > 0
    safe = autograd.where(valid, y, 0)
    is_target = ((safe.unsqueeze(2) == autograd.arange(classes)) & valid.unsqueeze(2)).any(1)
    x_target = x.gather(1, safe)
    hinge = (1 - x_target.unsqueeze(2) + x.unsqueeze(1)).clamp(min=0.0)
    pair_mask = (valid.unsqueeze(2) & ~is_target.unsqueeze(1)).to(x.dtype)
    loss = (hinge * pair_mask).sum((1, 2)) / classes
    return _reduce(loss.squeeze(0) if unbatched else loss, reduction)


# ---------------------------------------------------------------- likelihoods
def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of a Poisson target: exp(x) - y x with log_input, else
    x - y log(x + eps); ``full`` adds Stirling's term (torch.nn.functional.poisson_nll_loss)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        big = target > 1
        safe = autograd.where(big, target, 1.0)
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + autograd.where(big, stirling, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """0.5 (log var + (input - target)^2 / var), var clamped below by ``eps`` without
    affecting its gradient (torch.nn.functional.gaussian_nll_loss)."""
    if not isinstance(var, Tensor):
        var = autograd.full(tuple(input.shape), float(var), dtype=input.dtype)
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1):
            raise ValueError(f"gaussian_nll_loss: var is of incorrect size (var "
                             f"{tuple(var.shape)}, input {tuple(input.shape)})")
    _check_reduction(reduction)
    if var.numel() and float(var.detach().min()) < 0:
        raise ValueError("var has negative entry/entries")
    var = var + (var.detach().clamp(min=eps) - var.detach())
    diff = input - target
    loss = 0.5 * (var.log() + diff * diff / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------- sequences
# log(0) for the CTC recursion: finite, so that logsumexp's gradient never meets -inf - -inf
_LOG_ZERO = -1e30


def _lengths(values) -> list:
    """Sequence lengths given as a tensor, a tuple/list or a single int, as Python ints."""
    if isinstance(values, Tensor):
        values = values.reshape(-1).tolist()
    elif isinstance(values, int):
        values = [values]
    return [int(v) for v in values]


def _ctc_labels(targets: Tensor, target_lengths: list) -> list:
    """Each sample's label sequence, from padded (N, S) or concatenated 1-D targets."""
    if targets.dim() == 2:
        rows = targets.tolist()
        return [row[:n] for row, n in zip(rows, target_lengths)]
    flat = targets.tolist()
    labels, start = [], 0
    for n in target_lengths:
        labels.append(flat[start:start + n])
        start += n
    return labels


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """Connectionist temporal classification: -log of the total probability of all alignments
    of each target sequence to the (T, N, C) log-probabilities, by the forward (alpha) recursion
    over the target with blanks interleaved (torch.nn.functional.ctc_loss). 'mean' divides each
    loss by its target length before averaging over the batch."""
    _check_reduction(reduction)
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0) if targets.dim() == 1 else targets
    if log_probs.dim() != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs of shape (T, N, C) or (T, C), got "
                           f"{tuple(log_probs.shape)}")
    steps, batch, classes = log_probs.shape
    in_lens = _lengths(input_lengths)
    tg_lens = _lengths(target_lengths)
    if len(in_lens) != batch or len(tg_lens) != batch:
        raise RuntimeError(f"ctc_loss: expected {batch} input_lengths and target_lengths, got "
                           f"{len(in_lens)} and {len(tg_lens)}")
    if max(in_lens) > steps:
        raise RuntimeError(f"ctc_loss: Expected input_lengths to have value at most {steps}, "
                           f"but got value {max(in_lens)}")
    if not 0 <= blank < classes:
        raise RuntimeError(f"ctc_loss: blank must be in label range [0, {classes}), got {blank}")
    labels = _ctc_labels(targets, tg_lens)
    width = 2 * max(tg_lens) + 1
    # the extended label sequences: blank, l1, blank, l2, ..., blank (padded with blanks)
    extended = [[blank] * width for _ in range(batch)]
    skip = [[False] * width for _ in range(batch)]
    for n, seq in enumerate(labels):
        for i, label in enumerate(seq):
            extended[n][2 * i + 1] = label
            # a label may be reached from two back unless it repeats the previous label
            skip[n][2 * i + 1] = i > 0 and seq[i - 1] != label
    ext = autograd.tensor(extended)
    can_skip = autograd.tensor(skip)
    emit = log_probs.gather(2, ext.unsqueeze(0).expand(steps, batch, width))
    position = autograd.arange(width).unsqueeze(0)
    start = position < autograd.tensor([[2 if n else 1] for n in tg_lens])
    alpha = autograd.where(start, emit[0], _LOG_ZERO)
    pad1 = autograd.full((batch, 1), _LOG_ZERO, dtype=log_probs.dtype)
    pad2 = autograd.full((batch, 2), _LOG_ZERO, dtype=log_probs.dtype)
    active = autograd.tensor(in_lens).unsqueeze(1)
    for t in range(1, steps):
        stay = alpha
        step = autograd.cat([pad1, alpha[:, :-1]], 1)
        jump = autograd.where(can_skip, autograd.cat([pad2, alpha[:, :-2]], 1), _LOG_ZERO)
        moved = autograd.stack([stay, step, jump]).logsumexp(0) + emit[t]
        alpha = autograd.where(active > t, moved, alpha)
    last = autograd.tensor([[2 * n, max(2 * n - 1, 0)] for n in tg_lens])
    ends = alpha.gather(1, last)
    ends = autograd.where(autograd.tensor([[True, n > 0] for n in tg_lens]), ends, _LOG_ZERO)
    loss = -ends.logsumexp(1)
    impossible = loss > -_LOG_ZERO / 10
    loss = autograd.where(impossible, 0.0 if zero_infinity else float("inf"), loss)
    if unbatched:
        loss = loss.squeeze(0)
    if reduction == "mean":
        divisor = autograd.tensor(tg_lens, dtype=loss.dtype).clamp(min=1)
        return (loss / (divisor.squeeze(0) if unbatched else divisor)).mean()
    return _reduce(loss, reduction)
