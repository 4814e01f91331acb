"""Lazy convolutions and norms (torch.nn.LazyConv2d, LazyBatchNorm1d, ...): the channel count
is read from the first input, the parameters are materialised in place (optimizers built before
the first forward keep working) and the module becomes the plain layer."""

from __future__ import annotations

import autograd

from ..module import Module
from ..parameter import UninitializedParameter
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .normalization import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
)


class _LazyModule(Module):
    """Shared set-up: attributes come from a throw-away template (built without touching the
    random stream), parameters start uninitialised, a pre-hook finishes on the first call."""

    _concrete: type
    _size_name: str
    _spatial_dims: int | None  # None: channels always at dim 1 (BatchNorm)

    def _init_lazy(self, template_size: int, args: tuple, kwargs: dict) -> None:
        state = autograd.get_rng_state()
        template = self._concrete(template_size, *args, **kwargs)
        autograd.set_rng_state(state)
        self.__dict__.update(template.__dict__)
        setattr(self, self._size_name, 0)
        for name, p in list(self._parameters.items()):
            if p is not None:
                self._parameters[name] = UninitializedParameter(dtype=p.dtype)
        self._lazy_args = (args, kwargs)
        self._infer_hook = self.register_forward_pre_hook(_infer)

    def reset_parameters(self) -> None:
        """Initialise like the plain layer once the shapes are known."""
        if not any(isinstance(p, UninitializedParameter) for p in self._parameters.values()):
            self._concrete.reset_parameters(self)

    def _plan_load(self, state_dict, prefix: str, plan: list, missing: list, unexpected: list,
                   errors: list) -> None:
        # loaded values give the parameters their shapes, as in torch
        for name, param in self._parameters.items():
            value = state_dict.get(prefix + name)
            if isinstance(param, UninitializedParameter) and hasattr(value, "shape"):
                param.materialize(tuple(value.shape))
        for name in list(self._buffers):
            value = state_dict.get(prefix + name)
            if hasattr(value, "shape") and tuple(self._buffers[name].shape) != tuple(value.shape):
                self._buffers[name] = autograd.zeros(*value.shape,
                                                     dtype=self._buffers[name].dtype)
        super()._plan_load(state_dict, prefix, plan, missing, unexpected, errors)


def _infer(module: _LazyModule, args: tuple) -> None:
    """The one-off pre-hook: size everything from the input, then become the plain layer."""
    uninitialized = any(isinstance(p, UninitializedParameter)
                        for p in module._parameters.values()) or any(
        b is not None and b.is_floating_point() and b.numel() == 0
        for b in module._buffers.values())
    if not uninitialized:  # nothing to size (e.g. a norm without affine or running stats)
        _finish(module)
        return
    x = args[0]
    spatial = module._spatial_dims
    size = x.shape[0 if spatial is not None and x.dim() == spatial + 1 else 1]
    call_args, call_kwargs = module._lazy_args
    pending = any(isinstance(p, UninitializedParameter) for p in module._parameters.values())
    state = None if pending else autograd.get_rng_state()
    real = module._concrete(size, *call_args, **call_kwargs)
    if state is not None:
        autograd.set_rng_state(state)
    with autograd.no_grad():
        for name, p in real._parameters.items():
            mine = module._parameters.get(name)
            if isinstance(mine, UninitializedParameter):
                mine.materialize(tuple(p.shape))
                mine.copy_(p)
        for name, b in real._buffers.items():
            if module._buffers.get(name) is None or \
                    tuple(module._buffers[name].shape) != tuple(b.shape):
                module._buffers[name] = b
    setattr(module, module._size_name, size)
    _finish(module)


def _finish(module: _LazyModule) -> None:
    module._infer_hook.remove()
    del module._infer_hook, module._lazy_args
    module.__class__ = module._concrete


def _lazy_conv(concrete: type, spatial: int):
    class LazyConv(_LazyModule, concrete):
        _concrete, _size_name, _spatial_dims = concrete, "in_channels", spatial

        def __init__(self, out_channels: int, kernel_size, *args, **kwargs) -> None:
            Module.__init__(self)
            self._init_lazy(out_channels, (out_channels, kernel_size, *args), kwargs)

    LazyConv.__name__ = LazyConv.__qualname__ = f"Lazy{concrete.__name__}"
    LazyConv.__doc__ = (f"A {concrete.__name__} whose in_channels is read from the first input "
                        f"(torch.nn.Lazy{concrete.__name__}).")
    return LazyConv


def _lazy_norm(concrete: type, spatial: int | None, affine: bool, track: bool):
    class LazyNorm(_LazyModule, concrete):
        _concrete, _size_name, _spatial_dims = concrete, "num_features", spatial

        def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1,
                     affine: bool = affine, track_running_stats: bool = track, device=None,
                     dtype=None) -> None:
            Module.__init__(self)
            self._init_lazy(0, (eps, momentum, affine, track_running_stats),
                            {"dtype": dtype})

    LazyNorm.__name__ = LazyNorm.__qualname__ = f"Lazy{concrete.__name__}"
    LazyNorm.__doc__ = (f"A {concrete.__name__} whose num_features is read from the first input "
                        f"(torch.nn.Lazy{concrete.__name__}).")
    return LazyNorm


LazyConv1d = _lazy_conv(Conv1d, 1)
LazyConv2d = _lazy_conv(Conv2d, 2)
LazyConv3d = _lazy_conv(Conv3d, 3)
LazyConvTranspose1d = _lazy_conv(ConvTranspose1d, 1)
LazyConvTranspose2d = _lazy_conv(ConvTranspose2d, 2)
LazyConvTranspose3d = _lazy_conv(ConvTranspose3d, 3)
LazyBatchNorm1d = _lazy_norm(BatchNorm1d, None, True, True)
LazyBatchNorm2d = _lazy_norm(BatchNorm2d, None, True, True)
LazyBatchNorm3d = _lazy_norm(BatchNorm3d, None, True, True)
# torch's lazy instance norms default to affine=True, track_running_stats=True
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d, 1, True, True)
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d, 2, True, True)
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d, 3, True, True)

__all__ = ["LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
           "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d",
           "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]
