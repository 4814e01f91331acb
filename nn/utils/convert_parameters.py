"""Flatten parameters into one vector and back (torch.nn.utils.parameters_to_vector)."""

from __future__ import annotations

from collections.abc import Iterable

import autograd
from autograd import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-D tensor
    (torch.nn.utils.parameters_to_vector)."""
    if isinstance(parameters, Tensor):
        raise TypeError(f"expected an iterable of Tensors, but got: {type(parameters).__name__}")
    return autograd.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters, in order
    (torch.nn.utils.vector_to_parameters)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec.dim() != 1 or vec.numel() != total:
        raise RuntimeError(f"vector_to_parameters: expected a 1-D vector of {total} elements "
                           f"(the parameters' total size), got shape {tuple(vec.shape)}")
    pointer = 0
    with autograd.no_grad():
        for param in params:
            n = param.numel()
            param.copy_(vec[pointer:pointer + n].reshape(param.shape))
            pointer += n
