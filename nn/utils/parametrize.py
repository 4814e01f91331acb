"""Parametrizations: a parameter recomputed from an unconstrained "original" on every access
(torch.nn.utils.parametrize).

``register_parametrization(module, "weight", P)`` moves the weight to
``module.parametrizations.weight.original`` and makes ``module.weight`` a property returning
``P(original)``; gradients flow through P to the original, which the optimizer updates.
"""

from __future__ import annotations

from contextlib import contextmanager

import autograd
from autograd import Tensor

from ..containers import ModuleDict, ModuleList
from ..module import Module
from ..parameter import Parameter

__all__ = ["register_parametrization", "remove_parametrizations", "is_parametrized", "cached",
           "ParametrizationList"]

_cache_depth = 0
_cache: dict = {}


@contextmanager
def cached():
    """Inside this context each parametrized tensor is computed once and reused
    (torch.nn.utils.parametrize.cached)."""
    global _cache_depth
    _cache_depth += 1
    try:
        yield
    finally:
        _cache_depth -= 1
        if not _cache_depth:
            _cache.clear()


def _as_original(value: Tensor, like: Tensor) -> Tensor:
    """A Parameter (when ``like`` is one) or a buffer tensor holding ``value``."""
    value = value.detach()
    return Parameter(value, like.requires_grad) if isinstance(like, Parameter) else value


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order to ``original`` (or to
    ``original0, original1, ...`` when the first one's right_inverse returns several tensors)
    (torch.nn.utils.parametrize.ParametrizationList)."""

    def __init__(self, modules, original: Tensor, unsafe: bool = False) -> None:
        super().__init__(modules)
        self.unsafe = unsafe
        first = self[0]
        with autograd.no_grad():
            new = first.right_inverse(original) if hasattr(first, "right_inverse") else original
        if isinstance(new, Tensor):
            self.is_tensor = True
            if new is not original:
                # keep the original object (optimizers may hold it), with the inverse's value
                original.data = new.detach().data
            self._register_original("original", original)
        else:
            self.is_tensor = False
            self.ntensors = len(new)
            for i, value in enumerate(new):
                self._register_original(f"original{i}", _as_original(value, original))

    def _register_original(self, name: str, tensor: Tensor) -> None:
        if isinstance(tensor, Parameter):
            self.register_parameter(name, tensor)
        else:
            self.register_buffer(name, tensor)

    def _originals(self) -> list:
        if self.is_tensor:
            return [self.original]
        return [getattr(self, f"original{i}") for i in range(self.ntensors)]

    def right_inverse(self, value: Tensor) -> None:
        """Set the originals so that the parametrized tensor equals ``value``."""
        with autograd.no_grad():
            for module in reversed(list(self)):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(module).__name__} does not "
                                       f"implement right_inverse.")
                value = module.right_inverse(value)
            values = [value] if self.is_tensor else list(value)
            for original, new in zip(self._originals(), values):
                original.copy_(new)

    def forward(self) -> Tensor:
        modules = list(self)
        x = modules[0](*self._originals())
        for module in modules[1:]:
            x = module(x)
        return x


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether ``module`` (or its ``tensor_name``) has a parametrization
    (torch.nn.utils.parametrize.is_parametrized)."""
    parametrizations = module.__dict__.get("_modules", {}).get("parametrizations")
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def _inject_property(module: Module, tensor_name: str) -> None:
    def get_parametrized(self) -> Tensor:
        parametrization = self.parametrizations[tensor_name]
        if not _cache_depth:
            return parametrization()
        key = (id(self), tensor_name)
        if key not in _cache:
            _cache[key] = parametrization()
        return _cache[key]

    def set_original(self, value: Tensor) -> None:
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(type(module), tensor_name, property(get_parametrized, set_original))


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    """Make ``module.<tensor_name>`` the output of ``parametrization`` applied to the original
    tensor, which moves to ``module.parametrizations.<tensor_name>.original``; a second call on
    the same name chains the parametrizations (torch.nn.utils.parametrize)."""
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        chain = module.parametrizations[tensor_name]
        if not unsafe:
            current = getattr(module, tensor_name)
            result = parametrization(current)
            if tuple(result.shape) != tuple(current.shape) or result.dtype != current.dtype:
                raise ValueError(
                    f"Registering a parametrization may not change the shape or dtype of the "
                    f"tensor: {tuple(current.shape)} {current.dtype} became "
                    f"{tuple(result.shape)} {result.dtype} (pass unsafe=True to allow it)")
        chain.append(parametrization)
        chain.unsafe |= unsafe
        return module
    if tensor_name not in module._parameters and tensor_name not in module._buffers:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                         f"parametrized element with name '{tensor_name}'")
    original = getattr(module, tensor_name)
    chain = ParametrizationList([parametrization], original, unsafe=unsafe)
    delattr(module, tensor_name)
    if not is_parametrized(module):
        # a per-module subclass carries the properties, so other instances stay untouched
        cls = type(module)
        module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {})
        module.parametrizations = ModuleDict()
    _inject_property(module, tensor_name)
    module.parametrizations[tensor_name] = chain
    return module


def remove_parametrizations(module: Module, tensor_name: str,
                            leave_parametrized: bool = True) -> Module:
    """Undo register_parametrization: the tensor becomes a plain parameter (or buffer) again,
    holding its current parametrized value, or the original with leave_parametrized=False
    (torch.nn.utils.parametrize.remove_parametrizations)."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module._get_name()} does not have a parametrization on "
                         f"{tensor_name}")
    chain = module.parametrizations[tensor_name]
    if chain.is_tensor:
        original = chain.original
        if leave_parametrized:
            with autograd.no_grad():
                original.data = getattr(module, tensor_name).detach().data
    elif leave_parametrized:
        with autograd.no_grad():
            value = getattr(module, tensor_name)
        original = _as_original(value, chain.original0)
    else:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
                         "that is parametrized in terms of a sequence of tensors.")
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    if isinstance(original, Parameter):
        module.register_parameter(tensor_name, original)
    else:
        module.register_buffer(tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = type(module).__bases__[0]
    return module
