"""View-like functions composed from primitives: as_strided (a storage-position gather),
unsafe_chunk / unsafe_split, constant_pad_nd."""

from __future__ import annotations

import builtins

import numpy as np

from ..ops._base import const
from ..ops.shape import pad as pad_fn
from ..tensor import Tensor


def _storage_offset(self: Tensor) -> int:
    base = self._data
    while isinstance(base.base, np.ndarray):
        base = base.base
    start = self._data.__array_interface__["data"][0]
    return (start - base.__array_interface__["data"][0]) // self._data.itemsize


def as_strided(input: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    """The elements of ``input``'s storage at ``storage_offset + sum(i_k * stride_k)``
    (torch.as_strided); a copy here, differentiable in ``input``."""
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: size {list(size)}, "
                           f"stride {list(stride)}")
    if any(st < 0 for st in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    data = input._data
    root = data
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not root.flags.c_contiguous or root.dtype != data.dtype:
        root = data = np.ascontiguousarray(data)
    item = data.itemsize
    own = (_storage_offset(input) if root is not data else 0) + sum(
        (np.arange(n) * (st // item)).reshape([-1 if k == d else 1 for k in builtins.range(
            data.ndim)]) for d, (n, st) in enumerate(zip(data.shape, data.strides)))
    own = np.broadcast_to(np.asarray(own, dtype=np.int64), data.shape)
    offset = _storage_offset(input) if storage_offset is None else storage_offset
    wanted = offset + sum((np.arange(n, dtype=np.int64) * st).reshape(
        [-1 if k == d else 1 for k in builtins.range(len(size))])
        for d, (n, st) in enumerate(zip(size, stride))) if size else np.int64(offset)
    wanted = np.broadcast_to(np.asarray(wanted, dtype=np.int64), size)
    if wanted.size and (wanted.max() >= root.size or wanted.min() < 0):
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset} require a larger storage than the tensor's "
                           f"({root.size} elements)")
    where_in_self = np.full(root.size, -1, dtype=np.int64)
    where_in_self[own.reshape(-1)] = np.arange(own.size)
    index = where_in_self[wanted]
    inside = index >= 0
    picked = input.reshape(-1)[const(np.where(inside, index, 0))] if input.numel() else \
        const(np.zeros(size, data.dtype))
    if inside.all():
        return picked
    # storage elements outside this view come from the storage itself, without gradient
    outside = const(root.reshape(-1)[wanted])
    return picked.where(const(inside), outside)


def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Same as chunk (torch.unsafe_chunk: no view checks)."""
    return input.chunk(chunks, dim)


def unsafe_split(input: Tensor, split_size, dim: int = 0) -> tuple:
    """Same as split (torch.unsafe_split: no view checks)."""
    return input.split(split_size, dim)


def constant_pad_nd(input: Tensor, pad, value: float = 0) -> Tensor:
    """Pad with a constant (torch.constant_pad_nd, F.pad's constant mode)."""
    return pad_fn(input, tuple(pad), "constant", value)


__all__ = ["as_strided", "unsafe_chunk", "unsafe_split", "constant_pad_nd"]

METHODS = {"as_strided": as_strided, "unsafe_chunk": unsafe_chunk,
           "unsafe_split": unsafe_split}
