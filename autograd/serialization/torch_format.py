"""PyTorch's checkpoint format (what torch.save writes, torch.load reads), without torch.

The file is a zip archive: ``<name>/data.pkl`` is a pickle of the saved object in which every
tensor is a call ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`` and each
storage is a persistent id ``('storage', torch.FloatStorage, key, location, numel)`` whose bytes
are the record ``<name>/data/<key>``. Tensors that share a storage (views) stay views of one array.

Loading never runs code it was not allowed to: the unpickler resolves only the globals
``torch.load(weights_only=True)`` accepts (tensor rebuilds, storages, dtypes, OrderedDict, set,
...) plus those the user allowed (see ``allowlist``); any other global is refused when the pickle
names it, before anything could call it.
"""

from __future__ import annotations

import importlib
import io
import os
import pickle
import struct
import warnings
import zipfile
from collections import Counter, OrderedDict

import numpy as np

from .. import dtypes
from ..compat.size import Size
from ..tensor import Tensor, device
from . import allowlist
from .errors import LoadError, WeightsOnlyError, damaged

# ---------------------------------------------------------------- dtypes and storage types
# PyTorch's legacy typed-storage classes, which pickles still name, and their element dtypes
_STORAGE_DTYPES = {
    "DoubleStorage": "float64", "FloatStorage": "float32", "HalfStorage": "float16",
    "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32",
    "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8",
    "BoolStorage": "bool", "ComplexDoubleStorage": "complex128",
    "ComplexFloatStorage": "complex64",
}
# torch dtype names (as pickled: GLOBAL 'torch float32') and the numpy dtype names they hold
_TORCH_DTYPES = {
    "float64": "float64", "double": "float64", "float32": "float32", "float": "float32",
    "float16": "float16", "half": "float16", "bfloat16": "bfloat16", "int64": "int64",
    "long": "int64", "int32": "int32", "int": "int32", "int16": "int16", "short": "int16",
    "int8": "int8", "uint8": "uint8", "uint16": "uint16", "uint32": "uint32",
    "uint64": "uint64", "bool": "bool", "complex64": "complex64", "cfloat": "complex64",
    "complex128": "complex128", "cdouble": "complex128", "float8_e4m3fn": "float8_e4m3fn",
    "float8_e5m2": "float8_e5m2", "float8_e4m3fnuz": "float8_e4m3fnuz",
    "float8_e5m2fnuz": "float8_e5m2fnuz",
}
# the dtypes written under their own torch name (GLOBAL 'torch float16', ...)
_SAVED_DTYPES = frozenset({"float64", "float32", "float16", "bfloat16", "int64", "int32", "int16",
                           "int8", "uint8", "uint16", "uint32", "uint64", "bool", "complex64",
                           "complex128"})


def numpy_dtype(name: str) -> np.dtype | None:
    """The numpy dtype for a dtype name, or None when numpy cannot hold it here.

    bfloat16 and the float8 types come from ``autograd.dtypes`` when it defines them, else from
    the ``ml_dtypes`` package when it is installed."""
    own = getattr(dtypes, name, None)
    if isinstance(own, np.dtype) and own.name == name:
        return own
    try:
        return np.dtype(name)
    except TypeError:
        pass
    try:
        import ml_dtypes
    except ImportError:
        return None
    kind = getattr(ml_dtypes, name, None)
    return None if kind is None else np.dtype(kind)


class StorageType:
    """Stands for ``torch.FloatStorage`` & co. (and ``torch.storage.UntypedStorage``) in a
    pickle: the storage's element dtype by name."""

    def __init__(self, module: str, name: str, dtype_name: str) -> None:
        self.module, self.name, self.dtype_name = module, name, dtype_name

    def __repr__(self) -> str:
        return f"{self.module}.{self.name}"


_STORAGE_TYPES = {f"torch.{k}": StorageType("torch", k, v) for k, v in _STORAGE_DTYPES.items()}
_UNTYPED = StorageType("torch.storage", "UntypedStorage", "uint8")
_STORAGE_TYPES["torch.storage.UntypedStorage"] = _UNTYPED
_STORAGE_TYPES["torch.UntypedStorage"] = _UNTYPED
_STORAGE_TYPE_BY_DTYPE = {v: t for t in _STORAGE_TYPES.values() if t is not _UNTYPED
                          for v in [t.dtype_name]}


# ---------------------------------------------------------------- storages when loading
class Storage:
    """One storage of a checkpoint: its bytes (a 1-D uint8 array), element dtype and location.
    ``map_location`` callables receive it as PyTorch's receive a storage."""

    def __init__(self, raw: np.ndarray, dtype_name: str, location: str,
                 big_endian: bool) -> None:
        self.raw, self.dtype_name, self.location = raw, dtype_name, location
        self.big_endian = big_endian

    def __len__(self) -> int:
        dtype = numpy_dtype(self.dtype_name)
        return self.raw.size // (dtype.itemsize if dtype is not None else 2)

    def cpu(self) -> Storage:
        """This storage (``map_location=lambda s, loc: s.cpu()``)."""
        return self

    def cuda(self, device=None, non_blocking: bool = False) -> Storage:
        """Refused: this library runs on the CPU only."""
        raise LoadError("load: map_location moved a storage to CUDA, but this library runs on "
                        "the CPU only; use map_location='cpu'")

    def view(self, dtype_name: str, offset, size, stride) -> np.ndarray:
        """The array a tensor sees: ``size``/``stride`` in elements from element ``offset``,
        checked to lie inside the storage (as_strided would read past it otherwise)."""
        dtype = numpy_dtype(dtype_name)
        raw_bf16 = dtype is None and dtype_name == "bfloat16"
        if raw_bf16:
            dtype = np.dtype("uint16")
        elif dtype is None:
            raise LoadError(f"load: the checkpoint holds a {dtype_name} tensor, which numpy "
                            f"cannot represent here (install ml_dtypes)")
        size, stride = _ints(size, "size"), _ints(stride, "stride")
        if len(size) != len(stride) or not isinstance(offset, int) or offset < 0:
            raise ValueError(f"tensor size {size}, stride {stride} and offset {offset!r} "
                             f"do not describe a view")
        n = self.raw.size // dtype.itemsize
        if self.raw.size % dtype.itemsize:
            raise ValueError(f"a storage of {self.raw.size} bytes cannot hold {dtype_name} "
                             f"elements")
        typed = self.raw[:n * dtype.itemsize].view(dtype)
        if 0 in size:
            out = np.empty(size, dtype)
        else:
            last = offset + sum((s - 1) * st for s, st in zip(size, stride))
            if last >= n:
                raise ValueError(f"tensor of size {size}, stride {stride}, offset {offset} "
                                 f"reaches element {last} of a storage of {n}")
            out = np.lib.stride_tricks.as_strided(
                typed[offset:], size, tuple(st * dtype.itemsize for st in stride))
        if self.big_endian and dtype.itemsize > 1:
            out = out.view(dtype.newbyteorder(">")).astype(dtype)
        if raw_bf16:
            warnings.warn("load: bfloat16 tensor read as float32 (numpy has no bfloat16 here; "
                          "install ml_dtypes to keep bfloat16)", stacklevel=2)
            out = (out.astype(np.uint32) << 16).view(np.float32)
        return out


def _ints(values, what: str) -> tuple:
    if not isinstance(values, (tuple, list)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values):
        raise ValueError(f"tensor {what} {values!r} is not a tuple of non-negative ints")
    return tuple(values)


# ---------------------------------------------------------------- rebuild functions
def _tensor(array: np.ndarray, requires_grad) -> Tensor:
    t = Tensor._make(array, False, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _check_hooks(backward_hooks) -> None:
    if not isinstance(backward_hooks, dict) or backward_hooks:
        raise ValueError("a tensor's backward hooks must be an empty dict in a weights-only file")


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None) -> Tensor:
    """torch._utils._rebuild_tensor_v2: a tensor viewing a typed storage."""
    _check_storage(storage)
    _check_hooks(backward_hooks)
    return _tensor(storage.view(storage.dtype_name, storage_offset, size, stride),
                   requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None) -> Tensor:
    """torch._utils._rebuild_tensor_v3: a tensor of ``dtype`` viewing an untyped storage."""
    _check_storage(storage)
    _check_hooks(backward_hooks)
    if not isinstance(dtype, _DType):
        raise ValueError(f"_rebuild_tensor_v3: {dtype!r} is not a dtype")
    return _tensor(storage.view(dtype.name, storage_offset, size, stride), requires_grad)


def _rebuild_tensor(storage, storage_offset, size, stride) -> Tensor:
    """torch._utils._rebuild_tensor (files of PyTorch < 1.x)."""
    return _rebuild_tensor_v2(storage, storage_offset, size, stride, False, OrderedDict())


def _rebuild_parameter(data, requires_grad, backward_hooks):
    """torch._utils._rebuild_parameter: an nn.Parameter around a rebuilt tensor."""
    _check_hooks(backward_hooks)
    if not isinstance(data, Tensor):
        raise ValueError("_rebuild_parameter: its data is not a tensor")
    return _parameter_class()(data, bool(requires_grad))


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    """torch._utils._rebuild_parameter_with_state: a Parameter with extra attributes."""
    param = _rebuild_parameter(data, requires_grad, backward_hooks)
    _set_state(param, state)
    return param


def _rebuild_from_type_v2(func, new_type, args, state):
    """torch._tensor._rebuild_from_type_v2: a tensor (or Parameter) with extra attributes."""
    if func not in _REBUILDS:
        raise ValueError(f"_rebuild_from_type_v2: {func!r} is not a tensor rebuild function")
    ret = func(*args)
    if new_type is not Tensor and new_type is not _parameter_class():
        raise ValueError(f"_rebuild_from_type_v2: cannot make a {new_type!r}")
    if new_type is not Tensor and type(ret) is Tensor:
        ret = new_type(ret, ret.requires_grad)
    _set_state(ret, state)
    return ret


def _set_state(obj, state) -> None:
    if isinstance(state, tuple) and len(state) == 2:  # (__dict__, slots)
        state = {**(state[0] or {}), **(state[1] or {})}
    if not isinstance(state, dict):
        raise ValueError("a tensor's saved attributes must be a dict")
    for key, value in state.items():
        if not isinstance(key, str):
            raise ValueError(f"a tensor attribute name must be a str, got {key!r}")
        setattr(obj, key, value)


def _unsupported(name: str, kind: str):
    """A stand-in for a torch rebuild function of a tensor kind numpy has no equivalent for."""
    def rebuild(*args, **kwargs):
        raise LoadError(f"load: the checkpoint holds a {kind} tensor (torch._utils.{name}), "
                        f"which this library does not support")
    rebuild.__name__ = rebuild.__qualname__ = name
    return rebuild


_UNSUPPORTED = {"_rebuild_qtensor": "quantized", "_rebuild_sparse_tensor": "sparse",
                "_rebuild_meta_tensor_no_storage": "meta", "_rebuild_nested_tensor": "nested",
                "_rebuild_wrapper_subclass": "subclass",
                "_rebuild_device_tensor_from_numpy": "device",
                "_rebuild_device_tensor_from_cpu_tensor": "device"}


def _check_storage(storage) -> None:
    if not isinstance(storage, Storage):
        raise ValueError(f"a tensor's storage is a {type(storage).__name__}, not a storage")


def _parameter_class():
    # nn sits above autograd: it is found at load time, when a file holds a Parameter
    return importlib.import_module("nn.parameter").Parameter


def _device(name, index=None):
    """torch.device as pickled: the CPU only (a CUDA device named in a file is refused)."""
    return device(name if index is None else f"{name}:{index}")


def _encode(text, encoding="latin1"):
    """_codecs.encode as pickle uses it for bytes (protocol 2): only str -> bytes."""
    if not isinstance(text, str) or not isinstance(encoding, str):
        raise ValueError("_codecs.encode is allowed for str -> bytes only")
    return text.encode(encoding)


def _get_layout(name):
    """torch.serialization._get_layout as pickled (sparse tensors name their layout): the name."""
    if not isinstance(name, str):
        raise ValueError("_get_layout expects a layout name")
    return name


_DType = (np.dtype, dtypes.dtype)
_REBUILDS = {_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_tensor, _rebuild_parameter,
             _rebuild_parameter_with_state}


def _weights_only_globals() -> dict:
    """What ``torch.load(weights_only=True)`` accepts, by pickled name, as our objects."""
    table = {
        "collections.OrderedDict": OrderedDict,
        "collections.Counter": Counter,
        "torch.Size": Size,
        "torch.Tensor": Tensor,
        "torch.device": _device,
        "_codecs.encode": _encode,
        "torch.serialization._get_layout": _get_layout,
        "builtins.bytearray": bytearray,
        "builtins.set": set,
        "builtins.complex": complex,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
    }
    for name, kind in _UNSUPPORTED.items():
        table[f"torch._utils.{name}"] = _unsupported(name, kind)
    table.update(_STORAGE_TYPES)
    return table


_WEIGHTS_ONLY = _weights_only_globals()
_BLOCKED_MODULES = ("os", "posix", "nt", "sys", "subprocess", "shutil", "socket", "builtins",
                    "importlib", "runpy", "ctypes", "code", "pty", "io", "pickle", "marshal",
                    "webbrowser", "multiprocessing", "signal", "tempfile", "pathlib")


class _Refused(Exception):
    pass


def _refusal_message(full: str) -> str:
    module = full.rsplit(".", 1)[0]
    ours = allowlist.our_spelling(full) or full
    if module.split(".")[0] in _BLOCKED_MODULES:
        detail = f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked."
    else:
        detail = (f"Unsupported global: GLOBAL {full} was not an allowed global by default. "
                  f"Please use `autograd.serialization.add_safe_globals([{ours}])` or the "
                  f"`autograd.serialization.safe_globals([{ours}])` context manager to "
                  f"allowlist this global if you trust this class/function.")
    return ("Weights only load failed. This file can still be loaded, to do so you have two "
            "options, do those steps only if you trust the source of the checkpoint. \n\t(1) "
            "Re-running `load` with `weights_only` set to `False` will likely succeed, but it "
            "can result in arbitrary code execution. Do it only if you got the file from a "
            "trusted source.\n\t(2) Alternatively, to load with `weights_only=True` please "
            "check the recommended steps in the following error message.\n\tWeightsUnpickler "
            f"error: {detail}")


def resolve_global(module: str, name: str, weights_only: bool):
    """The object a pickle's GLOBAL ``module name`` stands for, or refuse it (weights-only)."""
    if module == "__builtin__":  # protocol-2 pickles spell builtins this way
        module = "builtins"
    full = f"{module}.{name}"
    if full in _WEIGHTS_ONLY:
        return _WEIGHTS_ONLY[full]
    if full == "torch.nn.parameter.Parameter":
        return _parameter_class()
    if module == "torch" and name in _TORCH_DTYPES:
        dtype = numpy_dtype(_TORCH_DTYPES[name])
        if dtype is not None:
            return dtypes.wrap(dtype)
    obj = allowlist.allowed(full)
    if obj is not None:
        return obj
    if weights_only:
        raise _Refused(_refusal_message(full))
    ours = allowlist.our_spelling(full)
    if ours is not None:
        mod, _, attr = ours.rpartition(".")
        try:
            return getattr(importlib.import_module(mod), attr)
        except (ImportError, AttributeError):
            pass
    return getattr(importlib.import_module(module), name)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, archive: _Archive, weights_only: bool, **kwargs) -> None:
        super().__init__(file, **kwargs)
        self.archive = archive
        self.weights_only = weights_only

    def find_class(self, module, name):
        return resolve_global(module, name, self.weights_only)

    def persistent_load(self, pid):
        if isinstance(pid, tuple) and len(pid) == 4 and pid[0] == "module":
            return pid[1]  # a module class in a legacy file: already checked by find_class
        if (not isinstance(pid, tuple) or len(pid) not in (5, 6) or pid[0] != "storage"
                or not isinstance(pid[1], StorageType) or not isinstance(pid[2], str)
                or not isinstance(pid[3], str) or not isinstance(pid[4], int) or pid[4] < 0):
            raise ValueError(f"unknown persistent id {str(pid)[:80]}")
        return self.archive.storage(*pid[1:])


# ---------------------------------------------------------------- the archive when loading
class _Archive:
    def __init__(self, zf: zipfile.ZipFile, prefix: str, map_location,
                 mmap_path: str | None) -> None:
        self.zf, self.prefix = zf, prefix
        self.map_location = map_location
        self.mmap_path = mmap_path
        self.storages: dict[str, Storage] = {}
        names = set(zf.namelist())
        order = zf.read(prefix + "byteorder") if prefix + "byteorder" in names else b"little"
        if order not in (b"little", b"big"):
            raise ValueError(f"byteorder record says {order[:20]!r}")
        self.big_endian = order == b"big"

    def storage(self, kind: StorageType, key: str, location: str, numel: int,
                view=None) -> Storage:
        if view is not None:
            raise ValueError("storage views belong to the legacy format, not to zip files")
        if key in self.storages:
            return self.storages[key]
        dtype = numpy_dtype(kind.dtype_name)
        itemsize = dtype.itemsize if dtype is not None else 2
        nbytes = numel * itemsize
        info = self.zf.getinfo(f"{self.prefix}data/{key}")
        if info.file_size < nbytes:
            raise ValueError(f"storage {key} holds {info.file_size} bytes, {nbytes} expected")
        raw = self._mapped(info, nbytes)
        if raw is None:
            raw = np.frombuffer(bytearray(self.zf.read(info)[:nbytes]), np.uint8)
        storage = Storage(raw, kind.dtype_name, location, self.big_endian)
        storage.location = _mapped_location(location, self.map_location)
        storage = _apply_map_location(storage, location, self.map_location)
        self.storages[key] = storage
        return storage

    def _mapped(self, info: zipfile.ZipInfo, nbytes: int) -> np.ndarray | None:
        """The record's bytes as a copy-on-write memory map (mmap=True, stored records)."""
        if self.mmap_path is None or info.compress_type != zipfile.ZIP_STORED or nbytes == 0:
            return None
        with open(self.mmap_path, "rb") as fp:
            fp.seek(info.header_offset)
            header = fp.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise ValueError(f"local header of {info.filename} is damaged")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        if start + nbytes > os.path.getsize(self.mmap_path):
            raise ValueError(f"record {info.filename} runs past the end of the file")
        return np.memmap(self.mmap_path, np.uint8, mode="c", offset=start, shape=(nbytes,))


def _mapped_location(location: str, map_location) -> str:
    if isinstance(map_location, dict):
        return str(map_location.get(location, location))
    if map_location is None or callable(map_location):
        return location
    return str(device(map_location))


def _apply_map_location(storage: Storage, location: str, map_location) -> Storage:
    if callable(map_location) and not isinstance(map_location, device):
        try:
            result = map_location(storage, location)
        except LoadError:
            raise
        except Exception as exc:  # noqa: BLE001 - the caller's function failed, not the file
            raise LoadError(f"load: map_location raised {type(exc).__name__}: {exc}") from exc
        if result is not None:
            if not isinstance(result, Storage):
                raise LoadError(f"load: map_location returned a {type(result).__name__}, "
                                f"expected the storage it was given (or None)")
            storage = result
    if not str(storage.location).startswith("cpu"):
        raise LoadError(
            f"Attempting to deserialize object on a {str(storage.location).upper()} device "
            f"but this library runs on the CPU only. If you are running on a CPU-only "
            f"machine, please use load with map_location='cpu' to map your storages to the "
            f"CPU.")
    return storage


def find_pickle(names: list[str]) -> str | None:
    """The record prefix (``archive/``) of a torch.save zip, or None for other zips."""
    for n in names:
        if n.endswith("data.pkl") and n.count("/") == 1:
            return n[:-len("data.pkl")]
    return None


def load_zip(zf: zipfile.ZipFile, prefix: str, name: str, *, map_location, weights_only: bool,
             mmap_path: str | None, encoding: str = "utf-8"):
    """Unpickle ``prefix + data.pkl`` of an open torch.save archive."""
    try:
        archive = _Archive(zf, prefix, map_location, mmap_path)
        data = zf.read(prefix + "data.pkl")
        return _Unpickler(io.BytesIO(data), archive, weights_only, encoding=encoding).load()
    except _Refused as exc:
        raise WeightsOnlyError(str(exc)) from None
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a damaged pickle becomes one error
        raise damaged(name, exc) from exc


# ---------------------------------------------------------------- writing
class _SavedStorage:
    """A storage being written: one contiguous array and its record key."""

    def __init__(self, key: str, array: np.ndarray) -> None:
        self.key, self.array = key, array
        kind = _STORAGE_TYPE_BY_DTYPE.get(array.dtype.name)
        self.type = kind if kind is not None else _UNTYPED
        self.numel = array.size if kind is not None else array.nbytes


class _Storages:
    """Assigns storages to arrays; views of one owning array share its storage, as in PyTorch."""

    def __init__(self) -> None:
        self.by_root: dict[int, tuple[_SavedStorage, np.ndarray]] = {}
        self.saved: list[_SavedStorage] = []

    def place(self, a: np.ndarray) -> tuple[_SavedStorage, int, tuple]:
        root = a
        while isinstance(root.base, np.ndarray):
            root = root.base
        item = a.dtype.itemsize
        if a.size and root.dtype == a.dtype and root.flags.c_contiguous and root.size:
            start = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
            if start % item == 0 and all(s >= 0 and s % item == 0 for s in a.strides):
                offset, stride = start // item, tuple(s // item for s in a.strides)
                last = offset + sum((n - 1) * s for n, s in zip(a.shape, stride))
                if offset >= 0 and last < root.size:
                    return self._storage(root, root.reshape(-1)), offset, stride
        own = np.ascontiguousarray(a)
        return self._storage(own, own.reshape(-1)), 0, _contiguous_strides(a.shape)

    def _storage(self, root: np.ndarray, flat: np.ndarray) -> _SavedStorage:
        if id(root) not in self.by_root:
            saved = _SavedStorage(str(len(self.saved)), flat)
            self.by_root[id(root)] = (saved, root)  # holding root keeps its id unique
            self.saved.append(saved)
        return self.by_root[id(root)][0]


def _contiguous_strides(shape) -> tuple:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _check_dtype(a: np.ndarray) -> None:
    if a.dtype.name not in _SAVED_DTYPES:
        raise TypeError(f"save: a tensor of dtype {a.dtype} has no PyTorch equivalent")


class _Pickler(pickle._Pickler):
    """The pure-Python pickler, so that our rebuild functions, dtypes, storage types, device
    and Size can be written under PyTorch's names (``torch._utils._rebuild_tensor_v2``, ...)."""

    def __init__(self, file, protocol: int, storages: _Storages) -> None:
        super().__init__(file, protocol)
        self.storages = storages

    def persistent_id(self, obj):
        if isinstance(obj, _SavedStorage):
            return ("storage", obj.type, obj.key, "cpu", obj.numel)
        return None

    def save(self, obj, save_persistent_id=True):
        name = _torch_global(obj)
        if name is not None and id(obj) not in self.memo:
            self.write(pickle.GLOBAL + f"{name[0]}\n{name[1]}\n".encode())
            self.memoize(obj)
            return
        super().save(obj, save_persistent_id)

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if isinstance(obj, device):
            return (_device, (str(obj),))
        if type(obj) is Size:
            return (Size, (tuple(obj),))
        return NotImplemented

    def _reduce_tensor(self, t: Tensor):
        parameter = _is_parameter(t)
        a = t._data
        _check_dtype(a)
        storage, offset, stride = self.storages.place(a)
        hooks = OrderedDict()
        if parameter:
            plain = Tensor._make(a, False, None)
            return (_rebuild_parameter, (plain, bool(t.requires_grad), hooks))
        if storage.type is _UNTYPED:  # dtypes without a legacy storage class (uint16, ...)
            return (_rebuild_tensor_v3, (storage, offset, tuple(a.shape), stride,
                                         bool(t.requires_grad), hooks, a.dtype))
        return (_rebuild_tensor_v2, (storage, offset, tuple(a.shape), stride,
                                     bool(t.requires_grad), hooks))


def _is_parameter(t: Tensor) -> bool:
    import sys

    module = sys.modules.get("nn.parameter")
    return module is not None and isinstance(t, module.Parameter)


_FUNCTION_NAMES = {
    _rebuild_tensor_v2: ("torch._utils", "_rebuild_tensor_v2"),
    _rebuild_tensor_v3: ("torch._utils", "_rebuild_tensor_v3"),
    _rebuild_parameter: ("torch._utils", "_rebuild_parameter"),
    _device: ("torch", "device"),
    Size: ("torch", "Size"),
}


def _torch_global(obj):
    if isinstance(obj, StorageType):
        return (obj.module, obj.name)
    if isinstance(obj, (np.dtype, dtypes.dtype)):
        return ("torch", obj.name) if obj.name in _SAVED_DTYPES else None
    try:
        return _FUNCTION_NAMES.get(obj)
    except TypeError:  # unhashable
        return None


ALIGNMENT = 64


def save_zip(obj, target, protocol: int = 2) -> None:
    """Write ``obj`` as torch.save does (zip with ``archive/data.pkl`` and ``archive/data/N``)."""
    storages = _Storages()
    buf = io.BytesIO()
    _Pickler(buf, protocol, storages).dump(obj)
    records = [("data.pkl", buf.getvalue()), (".format_version", b"1"),
               (".storage_alignment", str(ALIGNMENT).encode()), ("byteorder", b"little")]
    records += [(f"data/{s.key}", s.array) for s in storages.saved]
    records += [("version", b"3\n"), (".data/serialization_id", _serialization_id(storages))]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, data in records:
            _write_aligned(zf, "archive/" + name, data)


def _serialization_id(storages: _Storages) -> bytes:
    import hashlib

    digest = hashlib.sha1()
    for s in storages.saved:
        digest.update(s.key.encode())
        digest.update(str(s.array.nbytes).encode())
    return str(int(digest.hexdigest(), 16) % 10 ** 40).zfill(40).encode()


def _write_aligned(zf: zipfile.ZipFile, name: str, data) -> None:
    """Write one stored record whose bytes start at a multiple of ALIGNMENT (as PyTorch's writer
    does, so that mmap loads can map storages in place): padding goes in the local header's
    extra field."""
    if isinstance(data, np.ndarray):
        data = np.ascontiguousarray(data).reshape(-1).view(np.uint8)
        size = data.size
    else:
        size = len(data)
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    zip64 = size * 1.05 > zipfile.ZIP64_LIMIT
    start = zf.start_dir + 30 + len(name.encode("utf-8")) + 4 + (20 if zip64 else 0)
    pad = -start % ALIGNMENT
    info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad  # id 'FB', as PyTorch pads
    info.file_size = size
    with zf.open(info, "w", force_zip64=zip64) as out:
        out.write(data.data if isinstance(data, np.ndarray) else data)


def globals_in_pickle(data: bytes) -> list[str]:
    """Every global (``module.name``) a pickle names, found by reading its opcodes without
    running any (GLOBAL, INST/OBJ and STACK_GLOBAL with the strings it takes from the stack or
    the memo)."""
    import pickletools

    found, pushed, memo = [], [], {}
    for op, arg, _ in pickletools.genops(data):
        if op.name in ("GLOBAL", "INST"):
            module, name = arg.split(" ", 1)
            found.append((module, name))
        elif isinstance(arg, str) and op.name in ("SHORT_BINUNICODE", "BINUNICODE",
                                                  "BINUNICODE8", "UNICODE", "STRING",
                                                  "BINSTRING", "SHORT_BINSTRING"):
            pushed.append(arg)
        elif op.name == "MEMOIZE":
            memo[len(memo)] = pushed[-1] if pushed else None
        elif op.name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = pushed[-1] if pushed else None
        elif op.name in ("GET", "BINGET", "LONG_BINGET"):
            pushed.append(memo.get(arg))
        elif op.name == "STACK_GLOBAL":
            module, name = pushed[-2:] if len(pushed) >= 2 else ("?", "?")
            found.append((str(module), str(name)))
    names = []
    for module, name in found:
        full = f"{'builtins' if module == '__builtin__' else module}.{name}"
        if full not in names:
            names.append(full)
    return names


def unsafe_globals(data: bytes) -> list[str]:
    """The globals of a pickle that a weights-only load would refuse right now."""
    unsafe = []
    for full in globals_in_pickle(data):
        module, _, name = full.rpartition(".")
        try:
            resolve_global(module, name, weights_only=True)
        except _Refused:
            unsafe.append(full)
    return unsafe
