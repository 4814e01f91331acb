"""This project's own pickle-free format (what ``save`` wrote before it wrote PyTorch's):
still read by ``load``, and written by ``save_native``.

A file is a zip archive holding ``structure.json`` (the nested containers and Python scalars,
each entry typed) and one ``.npy`` file per array. Reading parses JSON and reads arrays with
``allow_pickle=False``, so a file can never run code.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import zipfile
from collections import OrderedDict

import numpy as np

from ..tensor import Tensor, device
from .errors import LoadError

FORMAT = "topograd"
VERSION = 1
_STRUCTURE = "structure.json"
_MAX_DEPTH = 200


class _Writer:
    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.memo: dict[int, int] = {}
        self.keep: list = []  # holds saved objects so their ids stay unique while writing

    def array(self, obj, a: np.ndarray, where: str) -> int:
        key = id(obj)
        if key in self.memo:
            return self.memo[key]
        if a.dtype.hasobject or a.dtype.kind not in "biufc":
            raise TypeError(f"save: cannot save an array of dtype {a.dtype} at {where} (only "
                            f"numeric and bool arrays can be saved without pickle)")
        self.keep.append(obj)
        self.arrays.append(a)
        self.memo[key] = len(self.arrays) - 1
        return self.memo[key]

    def node(self, obj, where: str, depth: int = 0):
        if depth > _MAX_DEPTH:
            raise ValueError(f"save: structure nested more than {_MAX_DEPTH} levels deep at "
                             f"{where} (a container that contains itself?)")
        if obj is None:
            return {"type": "none"}
        if isinstance(obj, (bool, np.bool_)):
            return {"type": "bool", "value": bool(obj)}
        if isinstance(obj, int) and not isinstance(obj, bool):
            return {"type": "int", "value": str(obj)}
        if isinstance(obj, float):
            return {"type": "float", "value": float.hex(obj)}
        if isinstance(obj, str):
            return {"type": "str", "value": obj}
        if isinstance(obj, bytes):
            return {"type": "bytes", "value": base64.b64encode(obj).decode("ascii")}
        if isinstance(obj, complex):
            return {"type": "complex", "value": [float.hex(obj.real), float.hex(obj.imag)]}
        if isinstance(obj, Tensor):
            return {"type": "tensor", "array": self.array(obj, obj._data, where),
                    "requires_grad": bool(obj.requires_grad)}
        if isinstance(obj, np.ndarray):
            return {"type": "ndarray", "array": self.array(obj, obj, where)}
        if isinstance(obj, np.generic):
            a = np.asarray(obj)
            return {"type": "npscalar", "array": self.array(a, a, where)}
        if isinstance(obj, np.dtype):
            return {"type": "dtype", "value": obj.str}
        if isinstance(obj, device):
            return {"type": "device", "value": str(obj)}
        if isinstance(obj, dict):
            kind = "odict" if isinstance(obj, OrderedDict) else "dict"
            items = []
            for k, v in obj.items():
                if not isinstance(k, (str, int, float, bool, type(None), tuple)):
                    raise TypeError(f"save: dict key of type {type(k).__name__} at {where} "
                                    f"cannot be saved")
                items.append([self.node(k, f"{where} key {k!r}", depth + 1),
                              self.node(v, f"{where}[{k!r}]", depth + 1)])
            return {"type": kind, "items": items}
        if isinstance(obj, (list, tuple)):
            kind = "list" if isinstance(obj, list) else "tuple"
            return {"type": kind, "items": [self.node(v, f"{where}[{i}]", depth + 1)
                                            for i, v in enumerate(obj)]}
        if isinstance(obj, (set, frozenset)):
            kind = "set" if isinstance(obj, set) else "frozenset"
            return {"type": kind, "items": [self.node(v, f"{where} element", depth + 1)
                                            for v in obj]}
        raise TypeError(f"save: cannot save an object of type {type(obj).__module__}."
                        f"{type(obj).__qualname__} at {where}; supported are tensors, numpy "
                        f"arrays, dict/OrderedDict/list/tuple/set and "
                        f"int/float/complex/bool/str/bytes/None")


def save_native(obj, f) -> None:
    """Write ``obj`` (tensors, arrays, nested containers, Python scalars) to a path or a
    binary file object in this project's pickle-free format."""
    writer = _Writer()
    root = writer.node(obj, "obj")
    structure = json.dumps({"format": FORMAT, "version": VERSION,
                            "arrays": len(writer.arrays), "root": root})
    own = isinstance(f, (str, os.PathLike))
    target = open(f, "wb") if own else f
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
            zf.writestr(_STRUCTURE, structure)
            for i, a in enumerate(writer.arrays):
                with zf.open(f"arrays/{i}.npy", "w", force_zip64=True) as out:
                    np.lib.format.write_array(out, a, allow_pickle=False)
    finally:
        if own:
            target.close()


class _Reader:
    def __init__(self, zf: zipfile.ZipFile, n_arrays: int, name: str) -> None:
        self.zf = zf
        self.n = n_arrays
        self.name = name
        self.arrays: dict[int, np.ndarray] = {}
        self.tensors: dict[int, Tensor] = {}

    def array(self, k) -> np.ndarray:
        if not isinstance(k, int) or not 0 <= k < self.n:
            raise _corrupt(self.name, f"array reference {k!r} is out of range")
        if k not in self.arrays:
            try:
                with self.zf.open(f"arrays/{k}.npy") as fp:
                    a = np.lib.format.read_array(io.BytesIO(fp.read()), allow_pickle=False)
            except KeyError:
                raise _corrupt(self.name, f"array {k} is missing from the archive") from None
            except ValueError as exc:
                raise _corrupt(self.name, f"array {k} cannot be read without pickle "
                                          f"({exc})") from None
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise _corrupt(self.name, f"array {k} is damaged ({exc})") from None
            self.arrays[k] = a
        return self.arrays[k]

    def node(self, n, depth: int = 0):
        if depth > _MAX_DEPTH:
            raise _corrupt(self.name, f"structure nested more than {_MAX_DEPTH} levels deep")
        if not isinstance(n, dict) or not isinstance(n.get("type"), str):
            raise _corrupt(self.name, f"unknown structure entry {str(n)[:80]!r}")
        kind = n["type"]
        try:
            if kind == "none":
                return None
            if kind == "bool":
                return bool(n["value"])
            if kind == "int":
                return int(n["value"])
            if kind == "float":
                return float.fromhex(n["value"])
            if kind == "str":
                return str(n["value"])
            if kind == "bytes":
                return base64.b64decode(n["value"].encode("ascii"), validate=True)
            if kind == "complex":
                return complex(float.fromhex(n["value"][0]), float.fromhex(n["value"][1]))
            if kind == "tensor":
                k = n["array"]
                if k not in self.tensors:
                    t = Tensor._make(self.array(k), False, None)
                    if n.get("requires_grad"):
                        t.requires_grad_(True)
                    self.tensors[k] = t
                return self.tensors[k]
            if kind == "ndarray":
                return self.array(n["array"])
            if kind == "npscalar":
                return self.array(n["array"])[()]
            if kind == "dtype":
                return np.dtype(str(n["value"]))
            if kind == "device":
                return device(str(n["value"]))
            if kind in ("dict", "odict"):
                out = OrderedDict() if kind == "odict" else {}
                for key, value in n["items"]:
                    out[_hashable(self.node(key, depth + 1))] = self.node(value, depth + 1)
                return out
            if kind in ("list", "tuple"):
                items = [self.node(v, depth + 1) for v in n["items"]]
                return items if kind == "list" else tuple(items)
            if kind in ("set", "frozenset"):
                items = [_hashable(self.node(v, depth + 1)) for v in n["items"]]
                return set(items) if kind == "set" else frozenset(items)
        except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as exc:
            raise _corrupt(self.name, f"malformed {kind!r} entry ({exc})") from None
        raise _corrupt(self.name, f"unknown structure entry type {kind!r}")


def _hashable(k):
    return tuple(_hashable(x) for x in k) if isinstance(k, list) else k


def _corrupt(name: str, why: str) -> LoadError:
    return LoadError(f"load: {name} is not a valid topograd file: {why}")


def read_native(zf: zipfile.ZipFile, name: str):
    """The object stored in an open archive of this format (``structure.json`` + ``.npy``)."""
    try:
        raw = zf.read(_STRUCTURE)
        meta = json.loads(raw.decode("utf-8"))
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _corrupt(name, f"the archive is truncated or damaged ({exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _corrupt(name, f"{_STRUCTURE} is not valid JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise _corrupt(name, f"{_STRUCTURE} does not describe a {FORMAT} file")
    if meta.get("version") != VERSION:
        raise _corrupt(name, f"unsupported format version {meta.get('version')!r} (this "
                             f"library reads version {VERSION})")
    n = meta.get("arrays")
    if not isinstance(n, int) or n < 0 or "root" not in meta:
        raise _corrupt(name, f"{_STRUCTURE} lacks its array count or root entry")
    return _Reader(zf, n, name).node(meta["root"])


__all__ = ["read_native", "save_native", "FORMAT"]
