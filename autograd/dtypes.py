"""dtypes and torch's type-promotion rules.

Each dtype is a ``dtype`` object like torch's (``autograd.float32`` prints ``autograd.float32``, has
``is_floating_point``, ``is_complex``, ``is_signed``, ``itemsize``) wrapping the numpy dtype that
stores the data. numpy accepts it wherever it takes a dtype (``np.zeros(3, autograd.float32)``,
``np.dtype(autograd.float32)``), and it compares and hashes equal to that numpy dtype, so
``t.dtype == numpy.float32`` holds. bfloat16 and the float8 formats come from ``ml_dtypes``.

Promotion follows PyTorch, not numpy: Python scalars never upcast a tensor of the same kind,
0-d tensors rank below dimensioned ones, an integer tensor meeting a float gives the default float
dtype, and two different 16-bit floats (bfloat16 and float16) meet in float32.
"""

from __future__ import annotations

import builtins

import ml_dtypes
import numpy as np


class dtype:
    """A tensor element type (torch.dtype); ``np.dtype(d)`` is the numpy dtype storing it."""

    __slots__ = ("dtype", "_name", "is_floating_point", "is_complex", "is_signed", "itemsize")

    def __init__(self, np_dtype: np.dtype, name: str) -> None:
        self.dtype = np_dtype  # numpy reads this attribute to convert the object to its dtype
        self._name = name
        self.is_floating_point = name in _FLOAT_NAMES
        self.is_complex = np_dtype.kind == "c"
        self.is_signed = self.is_floating_point or self.is_complex or np_dtype.kind == "i"
        self.itemsize = np_dtype.itemsize

    def __repr__(self) -> str:
        return f"autograd.{self._name}"

    __str__ = __repr__

    def __eq__(self, other) -> bool:
        if isinstance(other, dtype):
            return self is other
        try:
            return self.dtype == np.dtype(other)
        except TypeError:
            return NotImplemented

    def __ne__(self, other) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(self.dtype)

    def __reduce__(self):
        return (_by_name, (self._name,))

    @property
    def kind(self) -> str:
        """numpy's kind letter, with bfloat16/float8 reported as 'f' (floating)."""
        return "f" if self.is_floating_point else self.dtype.kind

    @property
    def name(self) -> str:
        return self._name

    def to_real(self) -> dtype:
        """The real dtype of the same precision (torch.dtype.to_real)."""
        if not self.is_complex:
            return self
        return float32 if self.dtype == np.complex64 else float64

    def to_complex(self) -> dtype:
        """The complex dtype of the same precision (torch.dtype.to_complex)."""
        if self.is_complex:
            return self
        return complex128 if self.dtype == np.float64 else complex64

    @property
    def __numpy_dtype__(self) -> np.dtype:
        return self.dtype  # numpy's own conversion protocol, probed before ``.dtype``

    def __getattr__(self, name: str):
        if name.startswith("__"):  # protocol probes (copy, pickle, numpy) must miss quickly
            raise AttributeError(name)
        return getattr(self.dtype, name)  # the rest of numpy's dtype API (.type, .char, ...)


_FLOAT_NAMES = {"float16", "float32", "float64", "bfloat16", "float8_e4m3fn", "float8_e5m2",
                "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"}
_BY_NUMPY: dict[np.dtype, dtype] = {}
_BY_NAME: dict[str, dtype] = {}


def _make(np_type, name: str) -> dtype:
    d = dtype(np.dtype(np_type), name)
    _BY_NUMPY[d.dtype] = d
    _BY_NAME[name] = d
    return d


def _by_name(name: str) -> dtype:
    return _BY_NAME[name]


float16 = half = _make(np.float16, "float16")
float32 = float = _make(np.float32, "float32")
float64 = double = _make(np.float64, "float64")
bfloat16 = _make(ml_dtypes.bfloat16, "bfloat16")
float8_e4m3fn = _make(ml_dtypes.float8_e4m3fn, "float8_e4m3fn")
float8_e5m2 = _make(ml_dtypes.float8_e5m2, "float8_e5m2")
float8_e4m3fnuz = _make(ml_dtypes.float8_e4m3fnuz, "float8_e4m3fnuz")
float8_e5m2fnuz = _make(ml_dtypes.float8_e5m2fnuz, "float8_e5m2fnuz")
float8_e8m0fnu = _make(ml_dtypes.float8_e8m0fnu, "float8_e8m0fnu")
complex64 = cfloat = _make(np.complex64, "complex64")
complex128 = cdouble = _make(np.complex128, "complex128")
int8 = _make(np.int8, "int8")
uint8 = _make(np.uint8, "uint8")
int16 = short = _make(np.int16, "int16")
uint16 = _make(np.uint16, "uint16")
int32 = int = _make(np.int32, "int32")
uint32 = _make(np.uint32, "uint32")
int64 = long = _make(np.int64, "int64")
uint64 = _make(np.uint64, "uint64")
bool_ = _make(np.bool_, "bool")

_FLOAT_NUMPY = frozenset(d.dtype for d in _BY_NUMPY.values() if d.is_floating_point)
_default_float = np.dtype(np.float32)

_ALIASES = {"float": float32, "double": float64, "half": float16, "long": int64, "int": int32,
            "bool": bool_, "short": int16, "cfloat": complex64, "cdouble": complex128,
            **_BY_NAME}
# Python's own types name torch's widest dtype of their kind, not the default dtype
_PYTHON_TYPES = {builtins.float: float64, builtins.int: int64, builtins.bool: bool_,
                 builtins.complex: complex128}


def wrap(np_dtype: np.dtype) -> dtype:
    """The dtype object for a numpy dtype (what ``Tensor.dtype`` returns)."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        return _make(np_dtype, np.dtype(np_dtype).name)


def get_default_dtype() -> dtype:
    """The dtype of new floating tensors, process-wide as in torch (torch.get_default_dtype)."""
    return _BY_NUMPY[_default_float]


def set_default_dtype(d) -> None:
    """Set the dtype of new floating tensors: float32 or float64 (torch.set_default_dtype)."""
    global _default_float
    d = as_dtype(d)
    if d not in (np.float32, np.float64):
        raise TypeError(f"only floating-point types are supported as the default type, got "
                        f"{wrap(d)}")
    _default_float = d


def as_dtype(d) -> np.dtype:
    """The numpy dtype for a dtype given as a dtype object, numpy dtype or type, Python type
    (float -> float64, int -> int64, bool, complex -> complex128, as torch) or name; None gives
    the default float dtype. Every ``dtype=`` argument goes through here."""
    if d is None:
        return _default_float
    if isinstance(d, np.dtype):
        return d
    if isinstance(d, dtype):
        return d.dtype
    if d in _PYTHON_TYPES:
        return _PYTHON_TYPES[d].dtype
    if isinstance(d, str) and d.removeprefix("torch.").removeprefix("autograd.") in _ALIASES:
        return _ALIASES[d.removeprefix("torch.").removeprefix("autograd.")].dtype
    try:
        return np.dtype(d)
    except TypeError as exc:
        raise TypeError(f"unknown dtype {d!r}") from exc


def is_floating(d) -> bool:
    """True for float16/32/64, bfloat16 and the float8 formats (numpy dtype or dtype object)."""
    return d in _FLOAT_NUMPY if isinstance(d, np.dtype) else as_dtype(d) in _FLOAT_NUMPY


def _category(d: np.dtype) -> int:
    """0 bool, 1 integer, 2 floating, 3 complex."""
    k = d.kind
    if k == "f" or d in _FLOAT_NUMPY:
        return 2
    return 3 if k == "c" else (0 if k == "b" else 1)


def _scalar_category(x) -> int:
    if isinstance(x, (builtins.bool, np.bool_)):
        return 0
    if isinstance(x, (builtins.int, np.integer)):
        return 1
    if isinstance(x, (builtins.complex, np.complexfloating)):
        return 3
    return 2


def _promote(a: np.dtype, b: np.dtype) -> np.dtype:
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    if a == b:
        return a
    if ca == 2 and a.itemsize == b.itemsize:
        return np.dtype(np.float32)  # bfloat16 with float16 (or two float8 formats), as torch
    return np.promote_types(a, b)


def promote_types(a, b) -> dtype:
    """torch.promote_types: a float meets an integer -> the float (numpy would widen it)."""
    return wrap(_promote(as_dtype(a), as_dtype(b)))


def _scalar_dtype(cat: builtins.int, best: np.dtype | None) -> np.dtype:
    if cat == 3:
        if best is not None and best == np.float64:
            return np.dtype(np.complex128)
        return np.dtype(np.complex128 if _default_float == np.float64 else np.complex64)
    return (np.dtype(np.bool_), np.dtype(np.int64), _default_float)[cat]


def result_type(*operands) -> np.dtype:
    """torch.result_type over tensors (objects with .dtype and .ndim) and Python scalars; the
    numpy dtype (``public_result_type`` gives the dtype object)."""
    dims, zero_dims, scalars = [], [], []
    for x in operands:
        dt = getattr(x, "dtype", None)
        if dt is None or isinstance(x, np.generic):
            scalars.append(_scalar_category(x))
        elif x.ndim == 0:
            zero_dims.append(as_dtype(dt))
        else:
            dims.append(as_dtype(dt))
    best = None
    for group in (dims, zero_dims):
        if not group:
            continue
        d = group[0]
        for other in group[1:]:
            d = _promote(d, other)
        if best is None:
            best = d
        elif _category(d) > _category(best):
            best = d
    if best is None:
        return _scalar_dtype(max(scalars) if scalars else 2, None)
    if scalars:
        cat = max(scalars)
        if cat > _category(best):
            best = _scalar_dtype(cat, best)
    return best


def public_result_type(tensor, other) -> dtype:
    """torch.result_type(tensor, other): the dtype object an op on the two would produce."""
    return wrap(result_type(tensor, other))
