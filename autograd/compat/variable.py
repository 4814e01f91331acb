"""torch.autograd.Variable: the pre-0.4 wrapper, today a detached alias of a tensor.

Old tutorials write ``Variable(x, requires_grad=True)`` and ``isinstance(x, Variable)``; both work
as in torch (every Tensor is a Variable).
"""

from __future__ import annotations

import warnings

from ..tensor import Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, other) -> bool:
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """torch.autograd.Variable(data, requires_grad=False): ``data.detach()`` (sharing its values)
    with ``requires_grad`` set; isinstance checks accept any Tensor."""

    def __new__(cls, data: Tensor, requires_grad: bool = False, volatile: bool = False) -> Tensor:
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                          "instead.", UserWarning, stacklevel=2)
        return data.detach().requires_grad_(requires_grad)
