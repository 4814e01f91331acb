"""Ops of three operands: clamp/clip (scalar or tensor bounds), lerp, addcmul, addcdiv.

Optimizers call their in-place forms every step under no_grad, so each has a direct kernel that
writes into the parameter's array with numpy ``out=`` instead of allocating a result.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes
from ..tensor import Tensor
from ._base import Op, broadcast_check
from ._support import direct_write_ok, inplace, not_implemented, write_out
from .elementwise import where
from .shape import sum_array_to_shape, sum_to_shape


def _d(x):
    return x._data if isinstance(x, Tensor) else x


def _shape(x):
    return x._data.shape if isinstance(x, Tensor) else ()


def _promote(op: str, *operands):
    """Cast the tensors among ``operands`` to their torch result type (scalars and None pass)."""
    present = [o for o in operands if o is not None]
    target = dtypes.result_type(*present)
    out = []
    for o in operands:
        if isinstance(o, Tensor) and o.dtype != target:
            o = o.to(target)
        out.append(o)
    tensors = [o for o in out if isinstance(o, Tensor)]
    for t in tensors[1:]:
        try:
            np.broadcast_shapes(tensors[0].shape, t.shape)
        except ValueError:
            shapes = ", ".join(str(tuple(x.shape)) for x in tensors)
            raise RuntimeError(f"{op}: shapes {shapes} are not broadcastable") from None
    return out


# ---------------------------------------------------------------- clamp
class Clamp(Op):
    """min(max(x, lo), hi) with torch's gradients: x gets it where lo <= x <= hi, a tensor bound
    where it was the value chosen."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x, lo, hi)
        out = x._data
        if lo is not None:
            out = np.maximum(out, _d(lo))
        if hi is not None:
            out = np.minimum(out, _d(hi))
        return out

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.saved_tensors
        inside = None
        if lo is not None:
            inside = x >= lo
        if hi is not None:
            inside = (x <= hi) if inside is None else inside & (x <= hi)
        gx = sum_to_shape(where(inside, grad, 0.0), x.shape) if ctx.needs_input_grad[0] else None
        glo = ghi = None
        if ctx.needs_input_grad[1]:
            below = x < lo if hi is None else (x < lo) & (lo < hi)
            glo = sum_to_shape(where(below, grad, 0.0), lo.shape)
        if ctx.needs_input_grad[2]:
            above = x > hi if lo is None else (x > hi) | (hi < lo)
            ghi = sum_to_shape(where(above, grad, 0.0), hi.shape)
        return gx, glo, ghi

    @staticmethod
    def backward_array(ctx, grad):
        x, lo, hi = ctx.saved_arrays
        inside = None
        if lo is not None:
            inside = x >= lo
        if hi is not None:
            inside = (x <= hi) if inside is None else inside & (x <= hi)
        edges = ctx._edges
        gx = sum_array_to_shape(grad * inside, x.shape) if edges[0] is not None else None
        glo = ghi = None
        if edges[1] is not None:
            below = x < lo if hi is None else (x < lo) & (lo < hi)
            glo = sum_array_to_shape(grad * below, lo.shape)
        if edges[2] is not None:
            above = x > hi if lo is None else (x > hi) | (hi < lo)
            ghi = sum_array_to_shape(grad * above, hi.shape)
        return gx, glo, ghi


def clamp(input: Tensor, min=None, max=None, *, out=None) -> Tensor:
    """Clip every element into [min, max]; either bound may be a number or a tensor, or None
    (torch.clamp). Where min > max the result is max, like torch."""
    if min is None and max is None:
        raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
    x, lo, hi = _promote("clamp", input, min, max)
    if x.dtype.kind == "b" and not all(isinstance(v, Tensor) for v in (min, max) if v is not None):
        raise not_implemented("clamp_cpu", x.dtype)
    return write_out(Clamp.apply(x, lo, hi), out, "clamp")


def clamp_min(input: Tensor, min, *, out=None) -> Tensor:
    """max(input, min) (torch.clamp_min)."""
    return clamp(input, min=min, out=out)


def clamp_max(input: Tensor, max, *, out=None) -> Tensor:
    """min(input, max) (torch.clamp_max)."""
    return clamp(input, max=max, out=out)


def _direct_clamp(self, min=None, max=None, **kwargs):
    bounds = [b for b in (min, max) if b is not None]
    if kwargs or not bounds or not direct_write_ok(self, *bounds):
        return False
    if min is not None:
        np.maximum(self._data, _d(min), out=self._data)
    if max is not None:
        np.minimum(self._data, _d(max), out=self._data)
    return True


# ---------------------------------------------------------------- lerp
def _lerp_array(start, end, weight):
    """start + weight * (end - start), from whichever end is nearer (torch's formula)."""
    with np.errstate(invalid="ignore", over="ignore"):
        diff = end - start
        return np.where(np.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight))


class Lerp(Op):
    """start + weight * (end - start) (torch.lerp), computed from the nearer end like torch."""

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight)
        return _lerp_array(start._data, end._data, _d(weight)).astype(start.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        start, end, weight = ctx.saved_tensors
        gs = sum_to_shape(grad * (1 - weight), start.shape) if ctx.needs_input_grad[0] else None
        ge = sum_to_shape(grad * weight, end.shape) if ctx.needs_input_grad[1] else None
        gw = sum_to_shape(grad * (end - start), weight.shape) \
            if ctx.needs_input_grad[2] else None
        return gs, ge, gw


def lerp(input: Tensor, end: Tensor, weight, *, out=None) -> Tensor:
    """input + weight * (end - input); weight a number or a tensor (torch.lerp)."""
    if input.dtype.kind != "f":
        raise not_implemented("lerp_kernel_scalar", input.dtype)
    for name, other in (("end", end), ("weight", weight)):
        if isinstance(other, Tensor) and other.dtype != input.dtype:
            raise RuntimeError(f"lerp: expected dtype {input.dtype} for `{name}` but got dtype "
                               f"{other.dtype}")
    broadcast_check("lerp", input, end)
    if isinstance(weight, Tensor):
        broadcast_check("lerp", input, weight)
        broadcast_check("lerp", end, weight)
    return write_out(Lerp.apply(input, end, weight), out, "lerp")


def _direct_lerp(self, end, weight, **kwargs):
    if kwargs or not isinstance(end, Tensor) or end.dtype != self.dtype or \
            not direct_write_ok(self, end, weight):
        return False
    if isinstance(weight, Tensor):
        np.copyto(self._data, _lerp_array(self._data, end._data, weight._data), casting="unsafe")
        return True
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.subtract(end._data, self._data)
        if abs(weight) < 0.5:
            diff *= weight
            self._data += diff
        else:
            diff *= 1 - weight
            np.subtract(end._data, diff, out=self._data)
    return True


# ---------------------------------------------------------------- addcmul / addcdiv
class Addcmul(Op):
    """input + value * tensor1 * tensor2, or with ``divide`` input + value * tensor1 / tensor2."""

    @staticmethod
    def forward(ctx, x, t1, t2, value, divide):
        ctx.save_for_backward(t1, t2)
        ctx.shape, ctx.value, ctx.divide = x.shape, value, divide
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            term = np.true_divide(t1._data, t2._data) if divide else t1._data * t2._data
            if value != 1:
                term = term * value
            return (x._data + term).astype(dtypes.result_type(x, t1, t2), copy=False)

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        value, divide = ctx.value, ctx.divide
        gx = sum_to_shape(grad, ctx.shape) if ctx.needs_input_grad[0] else None
        g1 = g2 = None
        if ctx.needs_input_grad[1]:
            g1 = sum_to_shape(grad * value / t2 if divide else grad * value * t2, t1.shape)
        if ctx.needs_input_grad[2]:
            g2 = sum_to_shape(-grad * value * t1 / (t2 * t2) if divide else
                              grad * value * t1, t2.shape)
        return gx, g1, g2, None, None


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """input + value * tensor1 * tensor2 (torch.addcmul)."""
    x, t1, t2 = _promote("addcmul", input, tensor1, tensor2)
    if x.dtype.kind == "b":
        raise not_implemented("addcmul_cpu_out", x.dtype)
    if x.dtype.kind != "f":
        value = int(value)
    return write_out(Addcmul.apply(x, t1, t2, value, False), out, "addcmul")


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """input + value * tensor1 / tensor2 (torch.addcdiv); integer tensor1/tensor2 refused."""
    if tensor1.dtype.kind in "biu" and tensor2.dtype.kind in "biu":
        raise RuntimeError("addcdiv: Integer division with addcdiv is no longer supported; use "
                           "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) "
                           "for integer inputs, or float tensors")
    x, t1, t2 = _promote("addcdiv", input, tensor1, tensor2)
    return write_out(Addcmul.apply(x, t1, t2, value, True), out, "addcdiv")


def _direct_addc(divide: bool):
    def direct(self, tensor1, tensor2, *, value=1, **kwargs):
        if kwargs or not isinstance(tensor1, Tensor) or not isinstance(tensor2, Tensor) or \
                tensor1.dtype.kind != "f" or tensor2.dtype.kind != "f" or \
                not direct_write_ok(self, tensor1, tensor2):
            return False
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            term = np.true_divide(tensor1._data, tensor2._data) if divide else \
                np.multiply(tensor1._data, tensor2._data)
            if value != 1:
                term *= value
            np.add(self._data, term, out=self._data)
        return True

    return direct


__all__ = ["clamp", "clip", "clamp_min", "clamp_max", "lerp", "addcmul", "addcdiv"]
clip = clamp

METHODS = {"clamp": clamp, "clip": clip, "clamp_min": clamp_min, "clamp_max": clamp_max,
           "lerp": lerp, "addcmul": addcmul, "addcdiv": addcdiv,
           "clamp_": inplace(clamp, "clamp_", _direct_clamp),
           "clip_": inplace(clamp, "clip_", _direct_clamp),
           "clamp_min_": inplace(clamp_min, "clamp_min_",
                                 lambda self, min: _direct_clamp(self, min=min)),
           "clamp_max_": inplace(clamp_max, "clamp_max_",
                                 lambda self, max: _direct_clamp(self, max=max)),
           "lerp_": inplace(lerp, "lerp_", _direct_lerp),
           "addcmul_": inplace(addcmul, "addcmul_", _direct_addc(False)),
           "addcdiv_": inplace(addcdiv, "addcdiv_", _direct_addc(True))}
