"""Collation: merge a list of samples into a batch (torch.utils.data._utils.collate).

``collate(batch, collate_fn_map=...)`` dispatches on the type of the first sample through
``collate_fn_map`` (exact type first, then ``isinstance`` in insertion order), then recurses into
mappings, namedtuples and sequences; ``default_collate`` is ``collate`` with
``default_collate_fn_map``. Extend a copy of that map to teach the loader a custom type (torch).
"""

from __future__ import annotations

import collections.abc
import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from .... import dtypes
from ....creation import as_tensor, tensor
from ....ops.shape import stack
from ....tensor import Tensor

__all__ = ["collate", "collate_float_fn", "collate_int_fn", "collate_numpy_array_fn",
           "collate_numpy_scalar_fn", "collate_str_fn", "collate_tensor_fn", "default_collate",
           "default_collate_err_msg_format", "default_collate_fn_map", "default_convert"]

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
    "found {}")


def _is_text_array(array: np.ndarray) -> bool:
    return array.dtype.kind in "SUOa"


def collate(batch: list, *, collate_fn_map: dict[type | tuple, Callable] | None = None) -> Any:
    """Merge ``batch`` (a list of samples) recursively, dispatching leaves through
    ``collate_fn_map`` (torch.utils.data._utils.collate.collate)."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type, fn in collate_fn_map.items():
            if isinstance(elem, collate_type):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        merged = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                  for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)  # keeps the mapping's type and extra state
                clone.update(merged)
                return clone
            return elem_type(merged)
        except TypeError:
            return merged
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(list(s), collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(list(s), collate_fn_map=collate_fn_map) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # tuples come back as lists, as in torch
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                clone[:] = columns
                return clone
            return elem_type(columns)
        except TypeError:
            return columns
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch: list, *, collate_fn_map=None) -> Tensor:
    """Tensors are stacked along a new first dim."""
    return stack(batch, 0)


def collate_numpy_array_fn(batch: list, *, collate_fn_map=None) -> Tensor:
    """numpy arrays become tensors of the same dtype, stacked (text arrays are refused)."""
    if _is_text_array(batch[0]):
        raise TypeError(default_collate_err_msg_format.format(batch[0].dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch: list, *, collate_fn_map=None) -> Tensor:
    """numpy scalars become a 1-d tensor of their dtype."""
    return as_tensor(np.array(batch))


def collate_float_fn(batch: list, *, collate_fn_map=None) -> Tensor:
    """Python floats become a float64 tensor (torch: float64, not the default dtype)."""
    return tensor(batch, dtype=dtypes.float64)


def collate_int_fn(batch: list, *, collate_fn_map=None) -> Tensor:
    """Python ints become an int64 tensor (bools alone a bool tensor)."""
    return tensor(batch)


def collate_str_fn(batch: list, *, collate_fn_map=None) -> list:
    """Strings and bytes stay a list."""
    return batch


default_collate_fn_map: dict[type | tuple, Callable] = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch: list) -> Any:
    """Merge a list of samples into a batch, recursively (torch default_collate).

    Tensors and numpy arrays are stacked along a new first dim; Python ints become an int64
    tensor, floats a float64 tensor, bools a bool tensor; strings stay a list; dicts, tuples and
    lists are collated field by field (tuples come back as lists, as in torch).
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data: Any) -> Any:
    """Turn numpy arrays inside a sample into tensors, leaving the rest (torch default_convert)."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _is_text_array(data) else as_tensor(data)
    if isinstance(data, (np.bool_, np.number)):
        return as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        converted = {k: default_convert(v) for k, v in data.items()}
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update(converted)
                return clone
            return type(data)(converted)
        except TypeError:
            return converted
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        converted = [default_convert(d) for d in data]
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                clone[:] = converted
                return clone
            return type(data)(converted)
        except TypeError:
            return converted
    return data
