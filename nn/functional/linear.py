"""Affine maps: linear and bilinear (torch.nn.functional.linear / bilinear)."""

from __future__ import annotations

from autograd import Tensor
from autograd.ops.fused import linear as fused_linear

__all__ = ["linear", "bilinear"]


def check_last_dim(op: str, input: Tensor, in_features: int, weight: Tensor) -> None:
    """Raise a clear error unless ``input`` has shape (*, in_features)."""
    if input.dim() == 0 or input.shape[-1] != in_features:
        last = input.shape[-1] if input.dim() else "none (0-d input)"
        raise RuntimeError(
            f"{op}: expected input with last dimension {in_features} (in_features), got input "
            f"of shape {tuple(input.shape)} (last dimension {last}); weight has shape "
            f"{tuple(weight.shape)}")


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x W^T + b over the last dimension of ``input`` (torch.nn.functional.linear)."""
    if weight.dim() not in (1, 2):
        raise RuntimeError(f"linear: weight must be 1-D or 2-D, got shape "
                           f"{tuple(weight.shape)}")
    check_last_dim("linear", input, weight.shape[-1], weight)
    if weight.dim() == 2 and input.dtype.kind == "f" and weight.dtype == input.dtype and (
            bias is None or (bias.dim() == 1 and bias.shape[0] == weight.shape[0]
                             and bias.dtype == input.dtype)):
        return fused_linear(input, weight, bias)      # one node, contiguous weight gradient
    out = input.matmul(weight.t() if weight.dim() == 2 else weight)
    if bias is not None:
        out = out + bias
    return out


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None
             ) -> Tensor:
    """y_k = x1^T A_k x2 + b_k with weight A of shape (out, in1, in2)
    (torch.nn.functional.bilinear)."""
    if weight.dim() != 3:
        raise RuntimeError(f"bilinear: weight must be 3-D (out, in1, in2), got shape "
                           f"{tuple(weight.shape)}")
    out_features, in1, in2 = weight.shape
    if input1.dim() == 0 or input1.shape[-1] != in1 or input2.dim() == 0 \
            or input2.shape[-1] != in2 or input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(
            f"bilinear: inputs of shapes {tuple(input1.shape)} and {tuple(input2.shape)} do not "
            f"match weight {tuple(weight.shape)} (expected (*, {in1}) and (*, {in2}) with the "
            f"same leading dimensions)")
    # x1 A_k for every k at once: (*, in1) @ (in1, out * in2) -> (*, out, in2)
    left = input1.matmul(weight.permute(1, 0, 2).reshape(in1, out_features * in2))
    left = left.reshape(*input1.shape[:-1], out_features, in2)
    out = (left * input2.unsqueeze(-2)).sum(-1)
    if bias is not None:
        out = out + bias
    return out
