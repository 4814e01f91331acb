"""torch.cdist: pairwise p-norm distances between the rows of two batches of row vectors."""

from __future__ import annotations

from ..ops.reduce import vector_norm
from ..tensor import Tensor


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """torch.cdist: ``out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p`` (shapes (..., P, M)
    and (..., R, M) give (..., P, R)); differentiable, with zero gradient at zero distance."""
    if x1.dim() < 2 or x2.dim() < 2:
        bad, which = (x1, "X1") if x1.dim() < 2 else (x2, "X2")
        raise RuntimeError(f"cdist only supports at least 2D tensors, {which} got: {bad.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"cdist: X1 and X2 must have the same number of columns. "
                           f"X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values (got p={p})")
    differences = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return vector_norm(differences, ord=p, dim=-1)


__all__ = ["cdist"]
