"""Norms and distances: normalize, cosine_similarity, pairwise_distance, pdist
(torch.nn.functional)."""

from __future__ import annotations

import autograd
from autograd import Tensor
from autograd.ops.reduce import vector_norm

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "pdist"]


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """input / max(||input||_p, eps) along ``dim`` (torch.nn.functional.normalize)."""
    denom = vector_norm(input, p, dim, keepdim=True).clamp(min=eps)
    return input / denom


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between x1 and x2 along ``dim``, each norm clamped below by ``eps``
    (torch.nn.functional.cosine_similarity)."""
    ndim = max(x1.dim(), x2.dim())
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(f"cosine_similarity: Dimension out of range (expected to be in range "
                         f"of [{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {dim})")
    n1 = vector_norm(x1, 2, dim, keepdim=True).clamp(min=eps)
    n2 = vector_norm(x2, 2, dim, keepdim=True).clamp(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dimension (torch.nn.functional.pairwise_distance)."""
    return vector_norm(x1 - x2 + eps, p, -1, keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """Distances between every pair of rows i < j of a 2-D input, in row-major order
    (torch.nn.functional.pdist)."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    n = input.shape[0]
    if n < 2:
        return autograd.zeros(0, dtype=input.dtype)
    first, second = autograd.triu_indices(n, n, 1)
    return vector_norm(input[first] - input[second], p, 1)
