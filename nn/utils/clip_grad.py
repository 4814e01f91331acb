"""Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_)."""

from __future__ import annotations

from collections.abc import Iterable

import autograd
from autograd import Tensor
from autograd.ops.reduce import vector_norm

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _as_list(tensors) -> list:
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """The norm of the norms of ``tensors``, as if concatenated (torch.nn.utils.get_total_norm)."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return autograd.tensor(0.0)
    with autograd.no_grad():
        norms = autograd.stack([vector_norm(t, norm_type) for t in tensors])
        total = vector_norm(norms, norm_type)
    if error_if_nonfinite and not bool(autograd.isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
            f"so it cannot be clipped. To disable this error and scale the gradients by the "
            f"non-finite norm anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                          total_norm: Tensor, foreach: bool | None = None) -> None:
    """Scale the gradients by max_norm / (total_norm + 1e-6) when that is below 1
    (torch.nn.utils.clip_grads_with_norm_)."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    with autograd.no_grad():
        coef = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:
    """Rescale all gradients together so their total norm is at most ``max_norm``; returns the
    total norm before clipping (torch.nn.utils.clip_grad_norm_)."""
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float,
                     foreach: bool | None = None) -> None:
    """Clamp every gradient entry to [-clip_value, clip_value] (torch.nn.utils.clip_grad_value_)."""
    clip_value = float(clip_value)
    with autograd.no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
