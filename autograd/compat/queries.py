"""Questions about tensors asked as torch functions: torch.is_tensor, torch.numel, ..."""

from __future__ import annotations

from ..tensor import Tensor


def _need_tensor(name: str, x) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(x).__name__}")
    return x


def is_tensor(obj) -> bool:
    """torch.is_tensor: True for Tensors (Parameters included), False for anything else."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    """torch.numel: the number of elements of a tensor."""
    return _need_tensor("numel", input).numel()


def is_floating_point(input: Tensor) -> bool:
    """torch.is_floating_point: True when the tensor's dtype is a floating-point type."""
    return _need_tensor("is_floating_point", input).is_floating_point()


def is_nonzero(input: Tensor) -> bool:
    """torch.is_nonzero: the truth of a one-element tensor (an error for any other size)."""
    x = _need_tensor("is_nonzero", input)
    if x.numel() != 1:
        size = "no values" if x.numel() == 0 else "more than one value"
        raise RuntimeError(f"is_nonzero: Boolean value of Tensor with {size} is ambiguous")
    return bool(x.item())


def is_complex(input: Tensor) -> bool:
    """torch.is_complex: False for every tensor here (no complex dtypes in this library)."""
    return _need_tensor("is_complex", input).dtype.kind == "c"


def is_conj(input: Tensor) -> bool:
    """torch.is_conj: whether a lazy conjugation is pending (never, here)."""
    return _need_tensor("is_conj", input).is_conj()


def is_neg(input: Tensor) -> bool:
    """torch.is_neg: whether a lazy negation is pending (never, here)."""
    return _need_tensor("is_neg", input).is_neg()


def is_inference(input: Tensor) -> bool:
    """torch.is_inference: whether the tensor is an inference tensor (torch.Tensor.is_inference)."""
    return _need_tensor("is_inference", input).is_inference()


def resolve_conj(input: Tensor) -> Tensor:
    """torch.resolve_conj: the tensor with any pending conjugation applied (itself here)."""
    return _need_tensor("resolve_conj", input).resolve_conj()


def resolve_neg(input: Tensor) -> Tensor:
    """torch.resolve_neg: the tensor with any pending negation applied (itself here)."""
    return _need_tensor("resolve_neg", input).resolve_neg()
