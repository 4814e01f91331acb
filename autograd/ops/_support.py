"""What the elementwise-kind op modules share: torch-style dtype errors, ``out=`` handling, and
the builder of in-place Tensor methods (with its direct no_grad path)."""

from __future__ import annotations

import numpy as np

from .. import grad_mode
from ..tensor import Tensor

_TORCH_DTYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                      "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                      "bool": "Bool"}


def torch_dtype_name(dtype) -> str:
    """The name torch's error messages use for a dtype ('Float', 'Long', ...)."""
    return _TORCH_DTYPE_NAMES.get(np.dtype(dtype).name, np.dtype(dtype).name)


def not_implemented(op: str, dtype) -> NotImplementedError:
    """The error torch raises for an op without a kernel for a dtype."""
    return NotImplementedError(f'"{op}" not implemented for \'{torch_dtype_name(dtype)}\'')


def write_out(result: Tensor, out: Tensor | None, op: str) -> Tensor:
    """Honour an ``out=`` argument: copy the result into it, as torch does (no autograd)."""
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if grad_mode.STATE.enabled and (result.requires_grad or out.requires_grad):
        raise RuntimeError(f"{op}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")
    if out.shape != result.shape:
        out._data = np.empty(result.shape, out.dtype)
    return out._assign(result, op)



def alias(t: Tensor) -> Tensor:
    """A second Tensor object for ``t``'s current value and graph position (the op's input)."""
    a = Tensor._make(t._data, t.requires_grad, t.grad_fn)
    a._output_nr = t._output_nr
    a._version = t._version
    return a


def direct_write_ok(self: Tensor, *others) -> bool:
    """Whether an in-place op may write straight into ``self``'s array with numpy ``out=``:
    nothing is recorded, the array is a writable float array and no operand changes its shape."""
    data = self._data
    if data.dtype.kind != "f" or not data.flags.writeable:
        return False
    if grad_mode.STATE.enabled and (self.requires_grad or any(
            isinstance(o, Tensor) and o.requires_grad for o in others)):
        return False
    shape = data.shape
    for o in others:
        if isinstance(o, Tensor):
            if o._data.dtype.kind not in "fbiu":
                return False
            if o._data.shape != shape:
                try:
                    if np.broadcast_shapes(o._data.shape, shape) != shape:
                        return False
                except ValueError:
                    return False
        elif not isinstance(o, (int, float, np.number)) or isinstance(o, complex):
            return False
    return True


def inplace(fn, name: str, direct=None):
    """The Tensor method ``name`` (e.g. ``add_``) made from the out-of-place ``fn``.

    ``direct(self, *args, **kwargs)`` may write the result straight into ``self._data`` (the fast
    path optimizers hit under no_grad) and return True; otherwise the result is computed out of
    place and assigned, recording the op in the graph when ``self`` or an operand requires grad.
    """

    def method(self, *args, **kwargs):
        self._check_inplace(name)
        if direct is not None and direct(self, *args, **kwargs):
            self._version += 1
            return self
        operands = (*args, *kwargs.values())
        if not grad_mode.STATE.enabled or not (self.requires_grad or any(
                isinstance(a, Tensor) and a.requires_grad for a in operands)):
            with grad_mode.set_grad_enabled(False):
                result = fn(self, *args, **kwargs)
        else:
            result = fn(alias(self) if self.grad_fn is not None else
                        Tensor._make(self._data, self.requires_grad, None), *args, **kwargs)
        return self._assign(result, name)

    method.__name__ = name
    method.__doc__ = f"In-place version of {name[:-1]} (torch.Tensor.{name})."
    return method
