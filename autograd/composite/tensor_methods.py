"""Predicates and Tensor-only methods torch scripts call (torch.is_signed, typename,
Tensor.apply_, new, resize_, storage_offset, the always-False layout flags, torch.abs_-style
in-place spellings)."""

from __future__ import annotations

import builtins
import math
import warnings

import numpy as np

from .. import grad_mode
from ..compat.layout import strided
from ..compat.queries import is_nonzero
from ..creation import bernoulli, multinomial
from ..ops._base import const
from ..ops._support import inplace
from ..ops.fill import _random_fill
from ..random import Generator, rng_of
from ..tensor import Tensor
from .views import _storage_offset


def can_cast(from_, to) -> bool:
    """Whether a value of dtype ``from_`` may be cast to ``to`` under torch's same-kind rule
    (torch.can_cast)."""
    order = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
    return order[np.dtype(from_).kind] <= order[np.dtype(to).kind]


def is_signed(input: Tensor) -> bool:
    """Whether the dtype is signed (torch.is_signed)."""
    return input.dtype.kind in "fic"


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether two tensors have the same shape (torch.is_same_size)."""
    return tuple(input.shape) == tuple(other.shape)


def typename(obj) -> str:
    """The type name of a tensor ('<pkg>.FloatTensor') or any object (torch.typename)."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = obj if isinstance(obj, type) else type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", None) else f"{module}.{cls.__qualname__}"


def detach(input: Tensor) -> Tensor:
    """A new tensor sharing data, cut from the graph (torch.detach)."""
    return input.detach()


def fill(input: Tensor, value) -> Tensor:
    """A copy of ``input`` with every element set to ``value`` (torch.fill)."""
    out = input.detach().clone()
    return out.fill_(value)


def apply_(self: Tensor, callable) -> Tensor:
    """Apply a Python function to every element, in place (torch.Tensor.apply_)."""
    if self.requires_grad:
        raise RuntimeError("apply_ is only implemented on CPU tensors that do not require grad")
    flat = self._data.reshape(-1)
    for i, v in enumerate(flat.tolist()):
        flat[i] = callable(v)
    self._data[...] = flat.reshape(self._data.shape)
    self._version += 1
    return self


def map_(self: Tensor, tensor: Tensor, callable) -> Tensor:
    """``self[i] = callable(self[i], tensor[i])`` with ``tensor`` broadcast (torch.Tensor.map_)."""
    other = np.broadcast_to(tensor._data, self._data.shape).reshape(-1).tolist()
    flat = self._data.reshape(-1)
    for i, (a, b) in enumerate(zip(flat.tolist(), other)):
        flat[i] = callable(a, b)
    self._data[...] = flat.reshape(self._data.shape)
    self._version += 1
    return self


def map2_(self: Tensor, x: Tensor, y: Tensor, callable) -> Tensor:
    """``self[i] = callable(self[i], x[i], y[i])`` (torch.Tensor.map2_)."""
    xs = np.broadcast_to(x._data, self._data.shape).reshape(-1).tolist()
    ys = np.broadcast_to(y._data, self._data.shape).reshape(-1).tolist()
    flat = self._data.reshape(-1)
    for i, (a, b, c) in enumerate(zip(flat.tolist(), xs, ys)):
        flat[i] = callable(a, b, c)
    self._data[...] = flat.reshape(self._data.shape)
    self._version += 1
    return self


def random_(self: Tensor, from_: int = 0, to: int | None = None, *,
            generator: Generator | None = None) -> Tensor:
    """Fill with integers uniform on [from, to) (torch.Tensor.random_); ``random_(to)`` is
    [0, to), and with no bound the range is what the dtype holds exactly."""
    if to is None and from_ != 0:
        from_, to = 0, from_
    if to is None:
        kind = self._data.dtype
        to = (2 ** (np.finfo(kind).nmant + 1) + 1 if kind.kind == "f"
              else 2 if kind.kind == "b" else builtins.int(np.iinfo(kind).max) + 1)
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} "
                           f">= to={to}")
    values = rng_of(generator).integers(from_, to, self.shape)
    self._check_inplace("random_")
    with grad_mode.set_grad_enabled(False):
        np.copyto(self._data, values.astype(self._data.dtype))
    self._version += 1
    return self


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *,
            generator: Generator | None = None) -> Tensor:
    """Fill with Cauchy(median, sigma) samples (torch.Tensor.cauchy_)."""
    rng = rng_of(generator)
    return _random_fill(self, "cauchy_", lambda s: median + sigma * rng.standard_cauchy(s))


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *,
                generator: Generator | None = None) -> Tensor:
    """Fill with samples whose log is N(mean, std**2) (torch.Tensor.log_normal_)."""
    rng = rng_of(generator)
    return _random_fill(self, "log_normal_", lambda s: rng.lognormal(mean, std, s))


def geometric_(self: Tensor, p: float, *, generator: Generator | None = None) -> Tensor:
    """Fill with the number of Bernoulli(p) trials up to the first success
    (torch.Tensor.geometric_)."""
    if not 0 < p <= 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    values = rng_of(generator).geometric(p, self.shape)
    with grad_mode.set_grad_enabled(False):
        np.copyto(self._data, values.astype(self._data.dtype))
    self._version += 1
    return self


def new(self: Tensor, *args, **kwargs) -> Tensor:
    """The legacy constructor: ``t.new(2, 3)`` is uninitialised of t's dtype, ``t.new(data)``
    copies data, ``t.new()`` is empty (torch.Tensor.new)."""
    if not args:
        return self.new_empty((0,), **kwargs)
    if builtins.all(isinstance(a, (int, np.integer)) for a in args):
        return self.new_empty(args, **kwargs)
    if len(args) == 1 and isinstance(args[0], tuple) and builtins.all(
            isinstance(a, int) for a in args[0]) and type(args[0]).__name__ == "Size":
        return self.new_empty(args[0], **kwargs)
    return self.new_tensor(args[0], **kwargs)


def resize_(self: Tensor, *sizes) -> Tensor:
    """Change the shape in place, keeping the elements that fit (torch.Tensor.resize_)."""
    shape = tuple(sizes[0]) if len(sizes) == 1 and not isinstance(sizes[0], int) else sizes
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    count = math.prod(shape)
    if count == self._data.size:
        self._data = self._data.reshape(shape)
    else:
        values = np.zeros(count, self._data.dtype)
        keep = builtins.min(count, self._data.size)
        values[:keep] = self._data.reshape(-1)[:keep]
        self._data = values.reshape(shape)
    self._version += 1
    return self


def storage_offset(self: Tensor) -> int:
    """Offset of the first element in the underlying buffer, in elements
    (torch.Tensor.storage_offset)."""
    return _storage_offset(self)


def data_ptr(self: Tensor) -> int:
    """Address of the first element (torch.Tensor.data_ptr)."""
    return self._data.__array_interface__["data"][0]


def _real_only(name: str):
    def identity(self: Tensor) -> Tensor:
        return self

    identity.__name__ = name
    identity.__doc__ = f"``self``: a real tensor is its own {name} (torch.Tensor.{name})."
    return identity


def _imag(self: Tensor):
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def _matrix_adjoint(self: Tensor) -> Tensor:
    if self.dim() < 2:
        raise RuntimeError(f"tensor.mH is only supported on matrices or batches of matrices. "
                           f"Got {self.dim()}-D tensor.")
    return self.transpose(-2, -1)


def _hermitian(self: Tensor) -> Tensor:
    if self.dim() not in (0, 2):
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{self.dim()}-D tensor.")
    return self.T if self.dim() == 2 else self


def _false(self: Tensor) -> bool:
    return False


def _volatile(self: Tensor) -> bool:
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning,
                  stacklevel=2)
    return False


def _returns_self(name: str):
    def method(self: Tensor, *args, **kwargs) -> Tensor:
        return self

    method.__name__ = name
    method.__doc__ = f"``self`` (torch.Tensor.{name}: no pinned or shared memory on numpy)."
    return method


def _top_inplace(name: str):
    def fn(input: Tensor, *args, **kwargs) -> Tensor:
        return getattr(input, name)(*args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = f"In-place ``input.{name}(...)`` (torch.{name})."
    return fn


_TOP_INPLACE = ["abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_",
                "arctan_", "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_",
                "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "detach_",
                "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_",
                "gcd_", "lcm_", "ldexp_", "log10_", "log1p_", "log2_", "log_", "logit_",
                "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_", "round_",
                "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_",
                "tanh_", "trunc_", "xlogy_", "zero_"]
for _name in _TOP_INPLACE:
    globals()[_name] = _top_inplace(_name)


METHODS = {
    "is_signed": is_signed, "is_same_size": is_same_size,
    "apply_": apply_, "map_": map_, "map2_": map2_, "random_": random_, "cauchy_": cauchy_,
    "log_normal_": log_normal_, "geometric_": geometric_, "new": new, "resize_": resize_,
    "resize_as_": lambda self, other: resize_(self, tuple(other.shape)),
    "storage_offset": storage_offset, "data_ptr": data_ptr,
    "is_set_to": lambda self, other: (data_ptr(self) == data_ptr(other)
                                      and self._data.shape == other._data.shape
                                      and self._data.strides == other._data.strides),
    "conj": _real_only("conj"), "resolve_conj": _real_only("resolve_conj"),
    "resolve_neg": _real_only("resolve_neg"), "conj_physical": _real_only("conj_physical"),
    "to_dense": _real_only("to_dense"), "real": property(_real_only("real")),
    "imag": property(_imag), "is_conj": _false, "is_neg": _false, "is_inference": _false,
    "is_pinned": _false, "is_shared": _false, "pin_memory": _returns_self("pin_memory"),
    "share_memory_": _returns_self("share_memory_"),
    "H": property(_hermitian), "mH": property(_matrix_adjoint), "adjoint": _matrix_adjoint,
    "bernoulli": lambda self, p=None, *, generator=None: _bernoulli(self, p, generator),
    "multinomial": lambda self, num_samples, replacement=False, *, generator=None:
        _multinomial(self, num_samples, replacement, generator),
    "output_nr": property(lambda self: self._output_nr),
    "layout": property(lambda self: strided),
    "is_nonzero": is_nonzero,
    "name": property(lambda self: None), "volatile": property(_volatile),
}


for _flag in ("is_sparse", "is_sparse_csr", "is_quantized", "is_meta", "is_mps", "is_xpu",
              "is_mkldnn", "is_vulkan", "is_xla", "is_ipu", "is_mtia", "is_maia", "is_nested"):
    METHODS[_flag] = property(_false)


def _method(name: str):
    def call(self: Tensor, *args, **kwargs) -> Tensor:
        return getattr(self, name)(*args, **kwargs)

    return call


for _name in ("addmm", "addbmm", "baddbmm", "addmv", "addr", "cumsum", "cumprod", "greater",
              "greater_equal", "less", "less_equal", "not_equal"):
    METHODS[_name + "_"] = inplace(_method(_name), _name + "_")


def _bernoulli(self: Tensor, p, generator) -> Tensor:
    if p is None:
        return bernoulli(self, generator=generator)
    return bernoulli(const(np.full(self.shape, p, self._data.dtype)), generator=generator)


def _multinomial(self: Tensor, num_samples: int, replacement: bool, generator) -> Tensor:
    return multinomial(self, num_samples, replacement, generator=generator)


__all__ = ["is_signed", "is_same_size", "typename", "detach", "fill", "can_cast", *_TOP_INPLACE]
