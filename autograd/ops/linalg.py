"""Matrix products: matmul (1-D, 2-D, batched with broadcasting) and its relatives."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._base import Op, binary_operands
from .shape import reshape, squeeze, sum_to_shape, transpose, unsqueeze


class MatMul(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a.data, b.data)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a2 = unsqueeze(a, 0) if a.ndim == 1 else a
        b2 = unsqueeze(b, -1) if b.ndim == 1 else b
        if a.ndim == 1 and b.ndim == 1:
            g = reshape(grad, (1, 1))
        elif a.ndim == 1:
            g = unsqueeze(grad, -2)
        elif b.ndim == 1:
            g = unsqueeze(grad, -1)
        else:
            g = grad
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = matmul(g, transpose(b2, -1, -2))
            ga = sum_to_shape(squeeze(ga, -2) if a.ndim == 1 else ga, a.shape)
        if ctx.needs_input_grad[1]:
            gb = matmul(transpose(a2, -1, -2), g)
            gb = sum_to_shape(squeeze(gb, -1) if b.ndim == 1 else gb, b.shape)
        return ga, gb


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with numpy/torch broadcasting rules (torch.matmul)."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError(f"matmul: expected Tensors, got {type(input).__name__} and "
                        f"{type(other).__name__}")
    a, b = binary_operands("matmul", input, other) if input.dtype != other.dtype else (input, other)
    sa, sb = a.data.shape, b.data.shape
    if not sa or not sb:
        raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got shapes "
                           f"{tuple(sa)} and {tuple(sb)}")
    k_a = sa[-1]
    k_b = sb[-2] if len(sb) > 1 else sb[0]
    if k_a != k_b:
        raise RuntimeError(f"matmul: shapes {tuple(sa)} and {tuple(sb)} cannot be multiplied "
                           f"({k_a} != {k_b})")
    if len(sa) > 2 and len(sb) > 2:
        try:
            np.broadcast_shapes(sa[:-2], sb[:-2])
        except ValueError:
            raise RuntimeError(f"matmul: batch dimensions of {tuple(sa)} and {tuple(sb)} are not "
                               f"broadcastable") from None
    return MatMul.apply(a, b)


__all__ = ["matmul"]

METHODS = {"matmul": matmul, "__matmul__": matmul,
           "__rmatmul__": lambda self, other: matmul(other, self)}
