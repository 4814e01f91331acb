"""PyTorch's pre-1.6 checkpoint format (torch.save(..., _use_new_zipfile_serialization=False)):
a run of pickles on one stream, not a zip. A magic number, the protocol version and the writer's
system info come first, then the object pickle (storages as persistent ids, allocated empty), the
list of storage keys, and each storage's bytes (an int64 element count, then the data) in that
order, which fill the storages the tensors already view. Unpickled by the same restricted
unpickler as the zip format, so the same weights-only rule holds."""

from __future__ import annotations

import io

import numpy as np

from .errors import LoadError, WeightsOnlyError, damaged
from .torch_format import (
    Storage,
    StorageType,
    _apply_map_location,
    _mapped_location,
    _Refused,
    _Unpickler,
    numpy_dtype,
)

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


class _Storages:
    """Storages allocated while unpickling, filled from the stream afterwards."""

    def __init__(self, map_location, budget: int, big_endian: bool) -> None:
        self.map_location, self.budget, self.big_endian = map_location, budget, big_endian
        self.roots: dict[str, Storage] = {}
        self.views: dict[str, Storage] = {}

    def storage(self, kind: StorageType, key: str, location: str, numel: int,
                view=None) -> Storage:
        itemsize = _itemsize(kind.dtype_name)
        if key not in self.roots:
            if numel * itemsize > self.budget:  # no allocation larger than the file could fill
                raise ValueError(f"storage {key} claims {numel} elements, more than the file "
                                 f"holds")
            root = Storage(np.zeros(numel * itemsize, np.uint8), kind.dtype_name, location,
                           self.big_endian)
            root.location = _mapped_location(location, self.map_location)
            self.roots[key] = _apply_map_location(root, location, self.map_location)
        root = self.roots[key]
        if view is None:
            return root
        if (not isinstance(view, tuple) or len(view) != 3 or not isinstance(view[0], str)
                or not all(isinstance(v, int) and v >= 0 for v in view[1:])
                or (view[1] + view[2]) * itemsize > root.raw.size):
            raise ValueError(f"storage view {str(view)[:80]} does not fit its storage")
        view_key, offset, size = view
        if view_key not in self.views:
            self.views[view_key] = Storage(
                root.raw[offset * itemsize:(offset + size) * itemsize], root.dtype_name,
                root.location, self.big_endian)
        return self.views[view_key]


def _itemsize(dtype_name: str) -> int:
    dtype = numpy_dtype(dtype_name)
    return dtype.itemsize if dtype is not None else 2  # bfloat16 read as raw 16-bit words


def is_legacy(fp) -> bool:
    """True when the stream starts with the legacy format's magic-number pickle."""
    start = fp.tell()
    try:
        return _small_pickle(fp) == MAGIC_NUMBER
    except Exception:  # noqa: BLE001 - anything unreadable is simply not this format
        return False
    finally:
        fp.seek(start)


def _small_pickle(fp):
    """One of the format's header pickles (numbers, a dict of flags): no globals, no storages."""
    return _Unpickler(fp, None, True).load()


def load_legacy(fp, name: str, *, map_location, weights_only: bool, encoding: str = "utf-8"):
    """Read a legacy checkpoint from a seekable binary stream."""
    data = fp.read()
    stream = io.BytesIO(data)
    try:
        _small_pickle(stream)  # the magic number, checked by is_legacy
        version = _small_pickle(stream)
        if version != PROTOCOL_VERSION:
            raise LoadError(f"load: {name} has legacy protocol version {version!r}, "
                            f"expected {PROTOCOL_VERSION}")
        info = _small_pickle(stream)
        big_endian = isinstance(info, dict) and info.get("little_endian") is False
        storages = _Storages(map_location, len(data), big_endian)
        result = _Unpickler(stream, storages, weights_only, encoding=encoding).load()
        keys = _small_pickle(stream)
        if not isinstance(keys, list) or not all(k in storages.roots for k in keys):
            raise ValueError("the list of storage keys does not match the storages")
        for key in keys:
            raw = storages.roots[key].raw
            count = int.from_bytes(_exactly(stream, 8), "little", signed=True)
            itemsize = _itemsize(storages.roots[key].dtype_name)
            if count * itemsize != raw.size:
                raise ValueError(f"storage {key} holds {count} elements, {raw.size // itemsize} "
                                 f"expected")
            raw[:] = np.frombuffer(_exactly(stream, raw.size), np.uint8)
        return result
    except _Refused as exc:
        raise WeightsOnlyError(str(exc)) from None
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a damaged file becomes one error
        raise damaged(name, exc) from exc


def _exactly(stream, n: int) -> bytes:
    chunk = stream.read(n)
    if len(chunk) != n:
        raise EOFError(f"the file ends {n - len(chunk)} bytes early")
    return chunk
