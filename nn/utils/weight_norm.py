"""Weight normalisation and spectral normalisation by forward pre-hooks
(torch.nn.utils.weight_norm / spectral_norm and their remove_* counterparts).

Both replace a parameter ``name`` by the parameters it is computed from and recompute
``module.<name>`` before every forward pass, so autograd differentiates through the
reparametrisation.
"""

from __future__ import annotations

import warnings

import autograd
from autograd import Tensor
from autograd.ops.reduce import vector_norm

from ..functional.distance import normalize
from ..module import Module
from ..parameter import Parameter

__all__ = ["weight_norm", "remove_weight_norm", "spectral_norm", "remove_spectral_norm"]


def _find_hook(module: Module, kind: type, name: str) -> tuple:
    """(key, hook) of the ``kind`` pre-hook reparametrising ``name``, or (None, None)."""
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, kind) and hook.name == name:
            return key, hook
    return None, None


def _norm_except_dim(v: Tensor, dim: int) -> Tensor:
    """The 2-norm over every dim but ``dim`` (kept as size 1); dim=-1 is the whole tensor's."""
    if dim == -1:
        return vector_norm(v, 2)
    dim = dim % v.dim()
    others = tuple(d for d in range(v.dim()) if d != dim)
    return vector_norm(v, 2, dim=others, keepdim=True) if others else v.abs()


class WeightNorm:
    """The pre-hook of weight_norm: name = g * v / ||v|| (norm over all dims but ``dim``)."""

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module: Module) -> Tensor:
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return v * (g / _norm_except_dim(v, self.dim))

    def __call__(self, module: Module, inputs) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Reparametrise ``module.<name>`` as g * v / ||v|| with parameters ``<name>_g`` (the norms)
    and ``<name>_v`` (the direction) (torch.nn.utils.weight_norm)."""
    warnings.warn("nn.utils.weight_norm is the older, hook-based form of weight normalisation "
                  "(torch deprecates it in favour of parametrizations.weight_norm).",
                  FutureWarning, stacklevel=2)
    if _find_hook(module, WeightNorm, name)[1] is not None:
        raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
    fn = WeightNorm(name, dim)
    weight = getattr(module, name)
    del module._parameters[name]
    module.register_parameter(name + "_g",
                              Parameter(_norm_except_dim(weight, fn.dim).detach().clone()))
    module.register_parameter(name + "_v", Parameter(weight.detach()))
    setattr(module, name, fn.compute_weight(module))
    module.register_forward_pre_hook(fn)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Fold g and v back into a single parameter ``name`` (torch.nn.utils.remove_weight_norm)."""
    key, hook = _find_hook(module, WeightNorm, name)
    if hook is None:
        raise ValueError(f"weight_norm of '{name}' not found in {module}")
    with autograd.no_grad():
        weight = hook.compute_weight(module)
    delattr(module, name)
    del module._parameters[name + "_g"]
    del module._parameters[name + "_v"]
    setattr(module, name, Parameter(weight.detach()))
    del module._forward_pre_hooks[key]
    return module


class SpectralNorm:
    """The pre-hook of spectral_norm: name = orig / sigma, sigma estimated by power iteration on
    the weight viewed as a (size(dim), -1) matrix; iterations run in training mode only."""

    def __init__(self, name: str, n_power_iterations: int, dim: int, eps: float) -> None:
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.name = name
        self.n_power_iterations = n_power_iterations
        self.dim = dim
        self.eps = eps

    def reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        if self.dim != 0:
            order = [self.dim] + [d for d in range(weight.dim()) if d != self.dim]
            weight = weight.permute(*order)
        return weight.reshape(weight.shape[0], -1)

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        matrix = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with autograd.no_grad():
                for _ in range(self.n_power_iterations):
                    v.copy_(normalize(matrix.t().matmul(u), dim=0, eps=self.eps))
                    u.copy_(normalize(matrix.matmul(v), dim=0, eps=self.eps))
            # the buffers change in place next time: the graph must keep these values
            u, v = u.clone(), v.clone()
        sigma = (u * matrix.matmul(v)).sum()
        return weight / sigma

    def __call__(self, module: Module, inputs) -> None:
        setattr(module, self.name, self.compute_weight(module, module.training))


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> Module:
    """Divide ``module.<name>`` by its largest singular value, tracked by power iteration with
    buffers ``<name>_u`` / ``<name>_v``; the raw weight becomes ``<name>_orig``
    (torch.nn.utils.spectral_norm)."""
    if _find_hook(module, SpectralNorm, name)[1] is not None:
        raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter "
                           f"{name}")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    fn = SpectralNorm(name, n_power_iterations, dim, eps)
    weight = module._parameters[name]
    with autograd.no_grad():
        rows, cols = fn.reshape_weight_to_matrix(weight).shape
        u = normalize(autograd.randn(rows, dtype=weight.dtype), dim=0, eps=eps)
        v = normalize(autograd.randn(cols, dtype=weight.dtype), dim=0, eps=eps)
    del module._parameters[name]
    module.register_parameter(name + "_orig", weight)
    setattr(module, name, weight.detach())
    module.register_buffer(name + "_u", u)
    module.register_buffer(name + "_v", v)
    module.register_forward_pre_hook(fn)
    return module


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    """Replace the spectrally normalised weight by a plain parameter holding its current value
    (torch.nn.utils.remove_spectral_norm)."""
    key, hook = _find_hook(module, SpectralNorm, name)
    if hook is None:
        raise ValueError(f"spectral_norm of '{name}' not found in {module}")
    with autograd.no_grad():
        weight = hook.compute_weight(module, do_power_iteration=False)
    delattr(module, name)
    del module._parameters[name + "_orig"]
    del module._buffers[name + "_u"]
    del module._buffers[name + "_v"]
    setattr(module, name, Parameter(weight.detach()))
    del module._forward_pre_hooks[key]
    return module
