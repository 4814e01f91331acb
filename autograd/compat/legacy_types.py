"""torch.FloatTensor, torch.LongTensor, ...: the legacy typed constructors, isinstance checks by
dtype, and ``x.type(torch.FloatTensor)`` / ``x.type("torch.FloatTensor")`` conversions."""

from __future__ import annotations

from .. import dtypes
from ..tensor import Tensor


class _TensorType(type):
    """Metaclass of the legacy types: an instance is any Tensor of the type's dtype."""

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'autograd.{cls.__name__}'>"


class _LegacyTensor(metaclass=_TensorType):
    dtype = None

    def __new__(cls, *args) -> Tensor:
        if len(args) == 1 and isinstance(args[0], Tensor) and args[0].dtype != cls.dtype:
            raise TypeError(f"{cls.__name__}(): expected a tensor of dtype {cls.dtype}, "
                            f"got {args[0].dtype}")
        return Tensor(*args, dtype=cls.dtype)


def _legacy(name: str, dtype) -> type:
    doc = f"torch.{name}: build a {dtype} tensor from data or sizes; isinstance checks the dtype."
    return _TensorType(name, (_LegacyTensor,), {"dtype": dtype, "__doc__": doc})


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
HalfTensor = _legacy("HalfTensor", dtypes.float16)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
ShortTensor = _legacy("ShortTensor", dtypes.int16)
CharTensor = _legacy("CharTensor", dtypes.int8)
ByteTensor = _legacy("ByteTensor", dtypes.uint8)
BoolTensor = _legacy("BoolTensor", dtypes.bool_)

_BY_NAME = {t.__name__: t.dtype for t in (FloatTensor, DoubleTensor, HalfTensor, LongTensor,
                                          IntTensor, ShortTensor, CharTensor, ByteTensor,
                                          BoolTensor)}


def as_type_dtype(type_):
    """The dtype a ``Tensor.type(...)`` argument names: a dtype, a legacy type, or its string
    ('torch.FloatTensor' / 'autograd.FloatTensor')."""
    if isinstance(type_, _TensorType):
        return type_.dtype
    if isinstance(type_, str):
        name = type_.split(".")[-1]
        if name not in _BY_NAME:
            raise ValueError(f"invalid type: '{type_}'")
        return _BY_NAME[name]
    return type_
