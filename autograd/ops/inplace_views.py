"""In-place shape changes: Tensor.unsqueeze_, squeeze_, t_, transpose_, swapdims_ (torch's).

The tensor object takes the view's shape (and, when recording, the view op's graph position),
so ``image.unsqueeze_(0)`` before a forward pass and the same call inside a graph both work.
"""

from __future__ import annotations

from .. import grad_mode
from ..tensor import Tensor
from ._support import alias
from .shape import squeeze, swapaxes, t, transpose, unsqueeze


def _inplace_view(fn, name: str):
    def method(self: Tensor, *args, **kwargs) -> Tensor:
        self._check_inplace(name)
        if grad_mode.STATE.enabled and self.requires_grad:
            result = fn(alias(self), *args, **kwargs)
            self.grad_fn = result.grad_fn
            self._output_nr = result._output_nr
        else:
            with grad_mode.set_grad_enabled(False):
                result = fn(self, *args, **kwargs)
        self._data = result._data
        self._version += 1
        return self

    method.__name__ = name
    method.__doc__ = f"In-place version of {name[:-1]}: this tensor takes the new shape " \
                     f"(torch.Tensor.{name})."
    return method


__all__: list[str] = []

METHODS = {
    "unsqueeze_": _inplace_view(unsqueeze, "unsqueeze_"),
    "squeeze_": _inplace_view(squeeze, "squeeze_"),
    "t_": _inplace_view(t, "t_"),
    "transpose_": _inplace_view(transpose, "transpose_"),
    "swapdims_": _inplace_view(swapaxes, "swapdims_"),
    "swapaxes_": _inplace_view(swapaxes, "swapaxes_"),
}
