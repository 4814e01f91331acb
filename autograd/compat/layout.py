"""Layouts and memory formats (torch.strided, torch.channels_last, ...): accepted and named.

numpy arrays here are always strided and their element order is numpy's own, so these are
markers a script can pass (``clone(memory_format=...)``, ``Tensor.layout == torch.strided``).
"""

from __future__ import annotations


class _Marker:
    """A named singleton that prints as ``autograd.<name>`` and pickles as that name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"autograd.{self.name}"

    def __reduce__(self):
        return self.name


class layout(_Marker):
    """How a tensor's elements are stored (torch.layout); only ``strided`` exists here."""

    __slots__ = ()


class memory_format(_Marker):
    """An element-order request (torch.memory_format), accepted and ignored by numpy arrays."""

    __slots__ = ()


strided = layout("strided")
contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")

__all__ = ["layout", "strided", "memory_format", "contiguous_format", "channels_last",
           "channels_last_3d", "preserve_format"]
