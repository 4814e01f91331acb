"""torch.* spellings of nn.functional ops: torch.conv2d, torch.dropout(input, p, train),
torch.embedding(weight, indices), torch.batch_norm(input, weight, bias, ...), ...

They live beside nn.functional because they call it; the autograd namespace resolves them on first
use (``torch.conv2d`` after ``import autograd as torch``), so the engine never imports nn."""

from __future__ import annotations

import nn.functional as F
from autograd import Generator, Tensor


def _dropout_top(kind: str):
    def fn(input: Tensor, p: float, train: bool) -> Tensor:
        return getattr(F, kind)(input, p, train)

    fn.__name__ = kind
    fn.__doc__ = f"``F.{kind}(input, p, train)`` (torch.{kind})."
    return fn


def _dropout_inplace(kind: str):
    def fn(input: Tensor, p: float, train: bool) -> Tensor:
        return getattr(F, kind)(input, p, train, inplace=True)

    fn.__name__ = kind + "_"
    fn.__doc__ = f"``F.{kind}(input, p, train, inplace=True)`` (torch.{kind}_)."
    return fn


dropout_ = _dropout_inplace("dropout")
alpha_dropout_ = _dropout_inplace("alpha_dropout")
feature_alpha_dropout_ = _dropout_inplace("feature_alpha_dropout")
dropout = _dropout_top("dropout")
alpha_dropout = _dropout_top("alpha_dropout")
feature_alpha_dropout = _dropout_top("feature_alpha_dropout")


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Channel dropout over dim 1 (torch.feature_dropout, like F.dropout2d/3d)."""
    return F.dropout1d(input, p, train) if input.dim() <= 3 else F.dropout2d(input, p, train) \
        if input.dim() == 4 else F.dropout3d(input, p, train)


def _functional_alias(name: str):
    def fn(*args, **kwargs):
        return getattr(F, name)(*args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = f"Same as nn.functional.{name} (torch.{name})."
    return fn


_FUNCTIONAL = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "cosine_similarity",
               "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle",
               "bilinear", "avg_pool1d", "adaptive_avg_pool1d", "group_norm", "channel_shuffle",
               "conv3d", "conv_transpose3d",
               "native_channel_shuffle"]
for _name in _FUNCTIONAL:
    globals()[_name] = _functional_alias(_name)


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` at ``indices`` (torch.embedding; note weight comes first)."""
    return F.embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq)


def batch_norm(input: Tensor, weight, bias, running_mean, running_var, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool = True) -> Tensor:
    """torch.batch_norm (weight and bias before the running statistics, unlike
    F.batch_norm)."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight, bias, running_mean, running_var,
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool = True) -> Tensor:
    """torch.instance_norm (weight and bias before the running statistics)."""
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                           momentum, eps)


def adaptive_max_pool1d(input: Tensor, output_size) -> tuple:
    """``(values, indices)`` of 1-d adaptive max pooling (torch.adaptive_max_pool1d)."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, generator: Generator | None = None) -> Tensor:
    """Randomized leaky ReLU (torch.rrelu, as nn.functional.rrelu)."""
    return F.rrelu(input, lower, upper, training)


__all__ = ["dropout", "alpha_dropout", "feature_alpha_dropout", "feature_dropout", "dropout_",
           "alpha_dropout_", "feature_alpha_dropout_", "embedding", "batch_norm",
           "instance_norm", "adaptive_max_pool1d", "rrelu", *_FUNCTIONAL]
