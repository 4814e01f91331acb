"""Affine layers and shape helpers: Identity, Linear, Bilinear, Flatten, Unflatten (torch.nn)."""

from __future__ import annotations

import math

import autograd
from autograd import Tensor

from .. import init
from ..functional.linear import bilinear, check_last_dim, linear
from ..module import Module
from ..parameter import Parameter, UninitializedParameter

__all__ = ["Identity", "Linear", "LazyLinear", "Bilinear", "Flatten", "Unflatten"]


class Identity(Module):
    """Returns its input; accepts and ignores any constructor arguments (torch.nn.Identity)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """y = x W^T + b with W of shape (out_features, in_features) (torch.nn.Linear).

    Initialised like torch: W ~ kaiming_uniform_(a=sqrt(5)), i.e. U(+-1/sqrt(in_features)),
    and b ~ U(+-1/sqrt(in_features)).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(autograd.empty(out_features, in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(autograd.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights as the constructor does."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        # read self.weight once: a parametrized weight is recomputed on every access
        weight = self.weight
        check_last_dim("Linear", input, self.in_features, weight)
        return linear(input, weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class LazyLinear(Linear):
    """A Linear whose in_features is read from the first input (torch.nn.LazyLinear); it then
    initialises like Linear and becomes one."""

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        Module.__init__(self)
        self.in_features = 0
        self.out_features = out_features
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)
        else:
            self.register_parameter("bias", None)
        self._infer_hook = self.register_forward_pre_hook(_infer_linear)

    def reset_parameters(self) -> None:
        """Initialise like Linear once the shapes are known."""
        if not isinstance(self.weight, UninitializedParameter):
            super().reset_parameters()

    def _plan_load(self, state_dict, prefix: str, plan: list, missing: list, unexpected: list,
                   errors: list) -> None:
        # loaded values give the parameters their shapes, as in torch
        for name, param in self._parameters.items():
            value = state_dict.get(prefix + name)
            if isinstance(param, UninitializedParameter) and hasattr(value, "shape"):
                param.materialize(tuple(value.shape))
        super()._plan_load(state_dict, prefix, plan, missing, unexpected, errors)


def _infer_linear(module: LazyLinear, args: tuple) -> None:
    """LazyLinear's one-off pre-hook: size the parameters from the input, then turn Linear."""
    if isinstance(module.weight, UninitializedParameter):
        module.in_features = args[0].shape[-1]
        module.weight.materialize((module.out_features, module.in_features))
        if module.bias is not None:
            module.bias.materialize((module.out_features,))
        Linear.reset_parameters(module)
    else:
        module.in_features = module.weight.shape[1]
    module._infer_hook.remove()
    del module._infer_hook
    module.__class__ = Linear


class Bilinear(Module):
    """y = x1^T A x2 + b with A of shape (out, in1, in2) (torch.nn.Bilinear); weight and bias
    ~ U(+-1/sqrt(in1_features))."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(autograd.empty(out_features, in1_features, in2_features,
                                               dtype=dtype))
        if bias:
            self.bias = Parameter(autograd.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights as the constructor does."""
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Flatten(Module):
    """Flatten dims start_dim..end_dim into one (torch.nn.Flatten)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size`` (torch.nn.Unflatten)."""

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        if not isinstance(dim, int):
            raise TypeError(f"invalid argument: dim should be an int, got {type(dim).__name__}")
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(s, int) for s in unflattened_size):
            raise TypeError("unflattened_size must be a tuple or list of ints, got "
                            f"{unflattened_size!r}")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        ndim = input.dim()
        if not -ndim <= self.dim < ndim:
            raise IndexError(f"Unflatten: Dimension out of range (expected to be in range of "
                             f"[{-ndim}, {ndim - 1}], but got {self.dim})")
        dim = self.dim % ndim
        sizes = list(self.unflattened_size)
        known = math.prod(s for s in sizes if s != -1)
        size = input.shape[dim]
        if sizes.count(-1) > 1 or (-1 not in sizes and known != size) or (
                -1 in sizes and (known == 0 or size % known)):
            raise RuntimeError(
                f"Unflatten: unflattened_size {tuple(sizes)} does not match dim {self.dim} of "
                f"size {size} in input of shape {tuple(input.shape)}")
        return input.reshape(*input.shape[:dim], *sizes, *input.shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
