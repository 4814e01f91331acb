"""Embedding lookups (torch.nn.functional.embedding / embedding_bag)."""

from __future__ import annotations

import autograd
from autograd import Tensor

__all__ = ["embedding", "embedding_bag"]


def _check_indices(op: str, input: Tensor, num_embeddings: int, weight: Tensor) -> None:
    if input.dtype not in (autograd.int64, autograd.int32):
        raise RuntimeError(
            f"{op}: expected indices of dtype int64 or int32 (Long, Int), but got input of dtype "
            f"{input.dtype} and shape {tuple(input.shape)}; weight has shape "
            f"{tuple(weight.shape)}")
    if input.numel() == 0:
        return
    low, high = int(input.min()), int(input.max())
    if low < 0 or high >= num_embeddings:
        bad = low if low < 0 else high
        raise IndexError(
            f"{op}: index {bad} is out of range for {num_embeddings} embeddings (index out of "
            f"range in self; input shape {tuple(input.shape)}, weight shape "
            f"{tuple(weight.shape)})")


def _index_counts(flat_indices: Tensor, num_embeddings: int, dtype) -> Tensor:
    """How often each row index occurs in ``flat_indices`` (a bincount)."""
    ones = autograd.ones(flat_indices.shape[0], dtype=dtype)
    return autograd.zeros(num_embeddings, dtype=dtype).scatter_add(0, flat_indices, ones)


def _renorm_rows(weight: Tensor, flat_indices: Tensor, max_norm: float, norm_type: float) -> None:
    """Rescale in place the referenced rows whose norm exceeds ``max_norm`` (no gradient)."""
    with autograd.no_grad():
        norms = (weight.abs() ** norm_type).sum(1, keepdim=True) ** (1.0 / norm_type)
        used = _index_counts(flat_indices, weight.shape[0], weight.dtype).unsqueeze(1) > 0
        scale = autograd.where(used & (norms > max_norm), max_norm / (norms + 1e-7), 1.0)
        weight.mul_(scale.to(weight.dtype))


def normalize_padding_idx(padding_idx: int | None, num_embeddings: int) -> int | None:
    """A negative padding_idx counts from the end; out-of-range values are refused."""
    if padding_idx is None:
        return None
    if padding_idx >= num_embeddings:
        raise AssertionError("Padding_idx must be within num_embeddings")
    if padding_idx < 0:
        if padding_idx < -num_embeddings:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx += num_embeddings
    return padding_idx


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by the integer ``input``: output shape (*input.shape, dim)
    (torch.nn.functional.embedding). The padding row gets no gradient."""
    if sparse:
        raise ValueError("embedding: sparse gradients are not supported (sparse=False)")
    if weight.dim() != 2:
        raise RuntimeError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got "
                           f"shape {tuple(weight.shape)}")
    num_embeddings = weight.shape[0]
    padding_idx = normalize_padding_idx(padding_idx, num_embeddings)
    _check_indices("embedding", input, num_embeddings, weight)
    flat = input.reshape(-1).to(autograd.int64)
    if max_norm is not None:
        _renorm_rows(weight, flat, max_norm, norm_type)
    table = weight
    if padding_idx is not None:
        is_padding = (autograd.arange(num_embeddings) == padding_idx).unsqueeze(1)
        table = autograd.where(is_padding, weight.detach(), weight)
    rows = table[flat]
    if scale_grad_by_freq:
        counts = _index_counts(flat, num_embeddings, weight.dtype)[flat].unsqueeze(1)
        rows = rows.detach() + (rows - rows.detach()) / counts
    return rows.reshape(*input.shape, weight.shape[1])


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Sums, means or maxima of bags of embeddings (torch.nn.functional.embedding_bag): a 2-D
    ``input`` is one bag per row; a 1-D ``input`` is cut into bags at ``offsets``."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"embedding_bag: mode has to be one of sum, mean or max, got '{mode}'")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError(
            f"embedding_bag: per_sample_weights are only supported with mode='sum', got "
            f"mode='{mode}'")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences.")
        n, length = input.shape
        starts = [i * length for i in range(n)]
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        starts = [int(o) for o in offsets.tolist()]
        if include_last_offset:
            starts = starts[:-1]
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    padding_idx = normalize_padding_idx(padding_idx, weight.shape[0])
    rows = embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq)
    keep = None
    if padding_idx is not None:
        keep = (input != padding_idx).to(weight.dtype).unsqueeze(1)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    ends = starts[1:] + [input.shape[0]]
    if include_last_offset and offsets is not None and input.dim() == 1:
        ends = [int(o) for o in offsets.tolist()[1:]]
    bags = []
    for start, end in zip(starts, ends):
        if end <= start:
            bags.append(autograd.zeros(weight.shape[1], dtype=weight.dtype))
            continue
        chunk = rows[start:end]
        if mode == "max":
            if keep is not None:
                chunk = autograd.where(keep[start:end] > 0, chunk, float("-inf"))
            bags.append(chunk.max(0).values)
            continue
        if keep is not None:
            chunk = chunk * keep[start:end]
        total = chunk.sum(0)
        if mode == "mean":
            count = keep[start:end].sum() if keep is not None else end - start
            total = total / count
        bags.append(total)
    return autograd.stack(bags)
