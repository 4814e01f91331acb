"""Parameter: a Tensor that a Module registers as learnable (torch.nn.Parameter)."""

from __future__ import annotations

import autograd
from autograd import Tensor


def _init_leaf(t: Tensor, data) -> None:
    """Make ``t`` a fresh leaf sharing the array of ``data`` (a Tensor, array or list)."""
    source = autograd.empty(0) if data is None else (
        data if isinstance(data, Tensor) else autograd.as_tensor(data))
    Tensor._new(source._data, into=t)


class Parameter(Tensor):
    """A leaf Tensor registered by Modules on attribute assignment (torch.nn.Parameter).

    It shares the array of the tensor it wraps and requires grad by default.
    """

    def __init__(self, data=None, requires_grad: bool = True) -> None:
        _init_leaf(self, data)
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.detach().numpy(), self.requires_grad))


class UninitializedParameter(Parameter):
    """A Parameter whose shape is not known yet, made real by ``materialize`` (the lazy layers'
    weights, torch.nn.UninitializedParameter). Materialising keeps the object, so optimizers
    built before the first forward pass still hold it."""

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        super().__init__(autograd.empty(0, dtype=dtype), requires_grad)

    def materialize(self, shape: tuple, device=None, dtype=None) -> None:
        """Give the parameter uninitialised storage of ``shape`` and make it a plain Parameter."""
        self.data = autograd.empty(*shape, dtype=dtype or self.dtype).data
        self.__class__ = Parameter

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    __str__ = __repr__


def _rebuild_parameter(data, requires_grad: bool) -> Parameter:
    return Parameter(autograd.from_numpy(data), requires_grad)


class Buffer(Tensor):
    """A tensor marked to be registered as a buffer on assignment (torch.nn.Buffer)."""

    def __init__(self, data=None, *, persistent: bool = True) -> None:
        _init_leaf(self, data)
        self.persistent = persistent
