"""In-place fills: zero_, fill_, copy_, and the random fills uniform_, normal_, bernoulli_,
exponential_ (used by nn.init, dropout and optimizers).

Under no_grad, or on tensors outside any graph, they write straight into the tensor's array. On a
non-leaf that requires grad they are recorded like torch's: the overwritten value gets a zero
gradient and, for copy_/fill_ from a tensor, the source gets the incoming one. As for every
in-place op, a leaf that requires grad is refused while grad mode is on.
"""

from __future__ import annotations

import numpy as np

from .. import grad_mode
from ..random import Generator, rng_of
from ..tensor import Tensor
from ._base import Op, const
from ._support import alias, not_implemented
from .elementwise import cast
from .shape import sum_to_shape


class Copy(Op):
    """dst overwritten by src (broadcast to dst's shape, cast to its dtype)."""

    @staticmethod
    def forward(ctx, dst, src):
        ctx.dst_meta = (dst.shape, dst.dtype)
        ctx.src_meta = (src.shape, src.dtype)
        return np.array(np.broadcast_to(src._data, dst.shape), dtype=dst.dtype)

    @staticmethod
    def backward(ctx, grad):
        (dst_shape, dst_dtype), (src_shape, src_dtype) = ctx.dst_meta, ctx.src_meta
        g_dst = const(np.zeros(dst_shape, dst_dtype)) if ctx.needs_input_grad[0] else None
        g_src = None
        if ctx.needs_input_grad[1]:
            g_src = cast(sum_to_shape(grad, src_shape), src_dtype)
        return g_dst, g_src


def _records(self: Tensor, src=None) -> bool:
    return grad_mode.STATE.enabled and (self.requires_grad or (
        isinstance(src, Tensor) and src.requires_grad)) and self.dtype.kind in "fc"


def _overwrite(self: Tensor, src: Tensor, op: str) -> Tensor:
    """Make ``self`` hold ``src`` broadcast to its shape and cast to its dtype."""
    self._check_inplace(op)
    if _records(self, src):
        dst = alias(self) if self.grad_fn is not None else \
            Tensor._make(self._data, self.requires_grad, None)
        return self._assign(Copy.apply(dst, src), op)
    if self._data.flags.writeable:
        np.copyto(self._data, src._data, casting="unsafe")
    else:
        self._data = np.array(np.broadcast_to(src._data, self.shape), dtype=self.dtype)
    self._version += 1
    return self


def copy_(self: Tensor, src, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` into this tensor, broadcasting and casting (torch.Tensor.copy_)."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' must be Tensor, not {type(src).__name__}")
    try:
        shape = np.broadcast_shapes(src.shape, self.shape)
    except ValueError:
        shape = None
    if shape != self.shape:
        raise RuntimeError(f"copy_: source of shape {tuple(src.shape)} cannot be broadcast to "
                           f"the destination's shape {tuple(self.shape)}")
    return _overwrite(self, src, "copy_")


def fill_(self: Tensor, value) -> Tensor:
    """Set every element to ``value``, a number or a 0-d tensor (torch.Tensor.fill_)."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        return _overwrite(self, value, "fill_")
    return _overwrite(self, const(np.asarray(value)), "fill_")


def zero_(self: Tensor) -> Tensor:
    """Set every element to zero (torch.Tensor.zero_)."""
    return _overwrite(self, const(np.zeros((), self.dtype)), "zero_")


def _random_fill(self: Tensor, op: str, sample) -> Tensor:
    if self.dtype.kind != "f":
        raise not_implemented(op, self.dtype)
    return _overwrite(self, const(sample(self.shape)), op)


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *,
             generator: Generator | None = None) -> Tensor:
    """Fill with samples from U[a, b) (torch.Tensor.uniform_)."""
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} "
                           f"> to={b}")
    rng = rng_of(generator)
    return _random_fill(self, "uniform_",
                        lambda shape: rng.random(shape, dtype=np.float64) * (b - a) + a)


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
            generator: Generator | None = None) -> Tensor:
    """Fill with samples from N(mean, std**2) (torch.Tensor.normal_)."""
    if std < 0:
        raise RuntimeError(f"normal_ expects std >= 0.0, but found std {std}")
    rng = rng_of(generator)
    return _random_fill(self, "normal_",
                        lambda shape: rng.standard_normal(shape) * std + mean)


def exponential_(self: Tensor, lambd: float = 1.0, *,
                 generator: Generator | None = None) -> Tensor:
    """Fill with samples from the exponential distribution of rate ``lambd``
    (torch.Tensor.exponential_)."""
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    rng = rng_of(generator)
    return _random_fill(self, "exponential_",
                        lambda shape: rng.standard_exponential(shape) / lambd)


def bernoulli_(self: Tensor, p=0.5, *, generator: Generator | None = None) -> Tensor:
    """Fill with 1 with probability ``p`` (a number or a tensor broadcast to this one), else 0
    (torch.Tensor.bernoulli_)."""
    probs = p._data if isinstance(p, Tensor) else np.asarray(p, dtype=np.float64)
    if np.any((probs < 0) | (probs > 1)) or np.any(np.isnan(probs)):
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    try:
        np.broadcast_to(probs, self.shape)
    except ValueError:
        raise RuntimeError(f"bernoulli_: p of shape {tuple(np.shape(probs))} cannot be broadcast "
                           f"to {tuple(self.shape)}") from None
    rng = rng_of(generator)
    return _overwrite(self, const(rng.random(self.shape) < probs), "bernoulli_")


__all__ = []

METHODS = {"copy_": copy_, "fill_": fill_, "zero_": zero_, "uniform_": uniform_,
           "normal_": normal_, "exponential_": exponential_, "bernoulli_": bernoulli_}
