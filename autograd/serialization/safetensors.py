"""safetensors files (the Hugging Face weight format): a JSON header naming each tensor's dtype,
shape and byte range, then the raw little-endian bytes. Nothing in the format can run code.

Writing goes through the ``safetensors`` package (``pip install topograd[safetensors]``), so
files are byte-for-byte what ``safetensors.numpy.save_file`` writes. Reading is done here: the
package's numpy reader has no bfloat16, the most common dtype of published weights.
"""

from __future__ import annotations

import json
import os

import numpy as np

from ..tensor import Tensor
from .errors import LoadError
from .torch_format import numpy_dtype

# safetensors dtype codes and the dtype names they hold
_DTYPES = {"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16",
           "I64": "int64", "I32": "int32", "I16": "int16", "I8": "int8", "U64": "uint64",
           "U32": "uint32", "U16": "uint16", "U8": "uint8", "BOOL": "bool",
           "C64": "complex64", "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2"}
_MAX_HEADER = 100_000_000  # the package's own limit


def save_safetensors(tensors: dict, filename, metadata: dict | None = None) -> None:
    """Write a dict of Tensors (or arrays) to a safetensors file
    (safetensors.torch.save_file). ``metadata`` is a dict of str to str."""
    try:
        from safetensors.numpy import save_file
    except ImportError:
        raise ImportError("save_safetensors needs the safetensors package: "
                          "pip install 'topograd[safetensors]'") from None
    arrays = {}
    for name, value in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"save_safetensors: tensor names must be str, got {name!r}")
        a = value._data if isinstance(value, Tensor) else np.asarray(value)
        arrays[name] = a if a.flags.c_contiguous else a.copy(order="C")  # keeps 0-d as 0-d
    save_file(arrays, os.fspath(filename), metadata=metadata)


def load_safetensors(filename, device: str = "cpu") -> dict:
    """Read a safetensors file into a dict of Tensors, in file order
    (safetensors.torch.load_file)."""
    with open(filename, "rb") as fp:
        data = fp.read()
    return read_safetensors(data, f"'{os.fspath(filename)}'")


def safetensors_metadata(filename) -> dict | None:
    """The ``__metadata__`` dict of a safetensors file (None when it has none)."""
    with open(filename, "rb") as fp:
        head = fp.read(8)
        header = _header(head + fp.read(_header_length(head, repr(filename))), repr(filename))
    return header.get("__metadata__")


def looks_like_safetensors(data: bytes) -> bool:
    """True when ``data`` starts as a safetensors file does (length, then a JSON object)."""
    return (len(data) >= 10 and data[8:9] == b"{"
            and int.from_bytes(data[:8], "little") <= min(_MAX_HEADER, len(data) - 8))


def _header_length(data: bytes, name: str) -> int:
    if len(data) < 8:
        raise LoadError(f"load: {name} is too short to be a safetensors file")
    n = int.from_bytes(data[:8], "little")
    if n > _MAX_HEADER:
        raise LoadError(f"load: {name} claims a safetensors header of {n} bytes")
    return n


def _header(data: bytes, name: str) -> dict:
    n = _header_length(data, name)
    if len(data) < 8 + n:
        raise LoadError(f"load: {name} is truncated (its safetensors header is cut short)")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoadError(f"load: {name} has a damaged safetensors header ({exc})") from None
    if not isinstance(header, dict):
        raise LoadError(f"load: {name} has a safetensors header that is not an object")
    return header


def read_safetensors(data: bytes, name: str) -> dict:
    """Parse the bytes of a safetensors file into a dict of Tensors."""
    header = _header(data, name)
    body = memoryview(data)[8 + _header_length(data, name):]
    out = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        try:
            code, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
            shape = tuple(int(s) for s in shape)
            ok = (isinstance(begin, int) and isinstance(end, int) and 0 <= begin <= end
                  <= len(body) and all(s >= 0 for s in shape))
        except (KeyError, TypeError, ValueError) as exc:
            raise LoadError(f"load: {name}: malformed entry for {key!r} ({exc})") from None
        if not ok:
            raise LoadError(f"load: {name}: tensor {key!r} has byte range {begin}..{end} "
                            f"outside the {len(body)} bytes of data (truncated?)")
        if code not in _DTYPES:
            raise LoadError(f"load: {name}: tensor {key!r} has unknown dtype {code!r}")
        out[key] = Tensor._make(_array(body[begin:end], _DTYPES[code], shape, key, name),
                                False, None)
    return out


def _array(raw, dtype_name: str, shape: tuple, key: str, name: str) -> np.ndarray:
    dtype = numpy_dtype(dtype_name)
    fallback = dtype is None and dtype_name == "bfloat16"
    if fallback:
        dtype = np.dtype("<u2")
    elif dtype is None:
        raise LoadError(f"load: {name}: tensor {key!r} is {dtype_name}, which numpy cannot "
                        f"hold here (install ml_dtypes)")
    count = int(np.prod(shape, dtype=np.int64))
    if len(raw) != count * dtype.itemsize:
        raise LoadError(f"load: {name}: tensor {key!r} of shape {shape} needs "
                        f"{count * dtype.itemsize} bytes, the file gives {len(raw)}")
    if dtype.itemsize > 1 and dtype.kind in "iufc":
        dtype = dtype.newbyteorder("<")
    a = np.frombuffer(bytearray(raw), dtype).reshape(shape)
    if fallback:
        import warnings

        warnings.warn("load: bfloat16 tensor read as float32 (numpy has no bfloat16 here; "
                      "install ml_dtypes to keep bfloat16)", stacklevel=3)
        return (a.astype(np.uint32) << 16).view(np.float32)
    return a.astype(a.dtype.newbyteorder("="), copy=False)


def _tensor_ctypes(self):
    """numpy's ctypes view of a contiguous tensor's memory: what ``safetensors.numpy.save_file``
    reads, so it accepts Tensors (a view must be made contiguous first: it would read the
    memory in storage order, not in the tensor's order)."""
    if not self._data.flags.c_contiguous:
        raise ValueError("ctypes: the tensor is not contiguous; call .contiguous() first")
    return self._data.ctypes


Tensor.ctypes = property(_tensor_ctypes)
if not hasattr(Tensor, "nbytes"):
    Tensor.nbytes = property(lambda self: self._data.nbytes,
                             doc="Bytes of the tensor's elements (torch.Tensor.nbytes).")
