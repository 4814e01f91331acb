"""class Tensor: an array, its gradient, and the node that made it.

Only state and the methods that are not ops live here; each op module binds its own methods and
operators onto Tensor (see ``autograd/ops/__init__.py``), so an op's formula is written once.
"""

from __future__ import annotations

import weakref

import numpy as np

from . import dtypes, grad_mode
from .compat.size import Size
from .printing import format_tensor


class device:
    """The only device here is the CPU (torch.device)."""

    __slots__ = ("type", "index")

    def __init__(self, type: str = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        name = str(type).split(":")[0]
        if name != "cpu":
            raise RuntimeError(
                f"device '{type}' is not available: this library runs on the CPU only")
        self.type = "cpu"
        self.index = index

    def __eq__(self, other) -> bool:
        return isinstance(other, (device, str)) and str(other).split(":")[0] == "cpu"

    def __hash__(self) -> int:
        return hash("cpu")

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"


CPU = device("cpu")
_new_object = object.__new__


class Tensor:
    """An n-dimensional array that can record the operations applied to it (torch.Tensor)."""

    __slots__ = ("_data", "grad", "requires_grad", "grad_fn", "_version", "_output_nr", "_hooks",
                 "__weakref__", "__dict__")

    __array_priority__ = 1000  # numpy defers to Tensor's reflected operators

    def __init__(self, *args, dtype=None, requires_grad: bool = False) -> None:
        """torch.Tensor's legacy constructor: ``Tensor(2, 3)`` is uninitialized data of that size
        (zero-filled here), ``Tensor([1, 2])`` a copy in the default float dtype, ``Tensor(t)``
        shares t's array."""
        from .creation import as_array

        if args and all(type(a) is int for a in args):
            data = np.zeros(args, dtypes.as_dtype(dtype or dtypes.get_default_dtype()))
        elif len(args) > 1:
            raise TypeError(f"Tensor(): expected sizes (ints) or one data argument, got "
                            f"({', '.join(type(a).__name__ for a in args)})")
        elif args and isinstance(args[0], Tensor):
            data = args[0]._data if dtype is None else as_array(args[0], dtype)
        else:
            data = args[0] if args else []
            data = np.array(as_array(data), dtypes.as_dtype(dtype or dtypes.get_default_dtype()))
        Tensor._new(data, into=self)
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _new(data: np.ndarray, requires_grad: bool = False, grad_fn=None, output_nr: int = 0,
             into: Tensor | None = None) -> Tensor:
        """The one place a Tensor's fields are set up: a new Tensor around ``data`` (an ndarray),
        or ``into`` (an existing, possibly subclass, object) reset to hold it."""
        t = _new_object(Tensor) if into is None else into
        t._data = data
        t.grad = None
        t.requires_grad = requires_grad
        t.grad_fn = grad_fn
        t._version = 0
        t._output_nr = output_nr
        t._hooks = None
        return t

    _make = _new  # the older spelling, used across the ops

    # ---------------------------------------------------------------- data
    @property
    def data(self) -> Tensor:
        """The same values as a tensor cut from the graph, sharing memory (torch.Tensor.data);
        changes made through it are invisible to autograd."""
        return Tensor._new(self._data, False, None)

    @data.setter
    def data(self, value) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    # ---------------------------------------------------------------- metadata
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.wrap(self._data.dtype)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def device(self) -> device:
        return CPU

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def is_cpu(self) -> bool:
        """torch.Tensor.is_cpu: always True (numpy backend)."""
        return True

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    def size(self, dim: int | None = None):
        """The shape, or one dimension of it (torch.Tensor.size)."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_check_dim(dim, self._data.ndim, "size")]

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def is_floating_point(self) -> bool:
        return dtypes.is_floating(self._data.dtype)

    def is_complex(self) -> bool:
        return False

    def stride(self, dim: int | None = None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[dim]

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    def contiguous(self) -> Tensor:
        """Arrays are kept usable as they are; returns self (torch.Tensor.contiguous)."""
        return self

    def get_device(self) -> int:
        return -1

    # ---------------------------------------------------------------- conversion
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, force: bool = False) -> np.ndarray:
        """The underlying array (shared memory); refuses tensors that require grad, like torch."""
        if self.requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self.requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead.")
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub":
            raise TypeError(
                "only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous "
                f"(shape {tuple(self.shape)})")
        return bool(self._data.reshape(()).item())

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self) -> int:
        return id(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self.requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.")
        new = Tensor._new(self._data.copy(), self.requires_grad, into=_new_object(type(self)))
        if self.grad is not None:
            new.grad = Tensor._new(self.grad._data.copy())
        if hasattr(self, "__dict__"):
            for k, v in self.__dict__.items():
                setattr(new, k, v)
        memo[id(self)] = new
        return new

    # ---------------------------------------------------------------- dtype / device
    def to(self, *args, **kwargs) -> Tensor:
        """Convert dtype (device arguments other than 'cpu' are refused) (torch.Tensor.to)."""
        dtype = kwargs.pop("dtype", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)  # numpy arrays have one element order
        dev = kwargs.pop("device", None)
        if kwargs:
            raise TypeError(f"to() got unexpected arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, device) or (isinstance(a, str) and a not in dtypes._ALIASES):
                dev = a
            else:
                dtype = a
        if dev is not None:
            device(dev)
        if dtype is None:
            return self.clone() if copy else self
        dtype = dtypes.as_dtype(dtype)
        if dtype == self._data.dtype and not copy:
            return self
        from .ops.elementwise import cast
        return cast(self, dtype)

    def type(self, dtype=None):
        if dtype is None:
            return f"autograd.{_TYPE_NAMES.get(self.dtype.name, self.dtype.name)}"
        from .compat.legacy_types import as_type_dtype  # x.type(torch.FloatTensor), x.type("...")

        return self.to(as_type_dtype(dtype))

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def half(self) -> Tensor:
        return self.to(dtypes.float16)

    def bfloat16(self) -> Tensor:
        """torch.Tensor.bfloat16: a bfloat16 copy (ml_dtypes storage)."""
        return self.to(dtypes.bfloat16)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        return self.to(dtypes.int32)

    def bool(self) -> Tensor:
        return self.to(dtypes.bool_)

    def byte(self) -> Tensor:
        """torch.Tensor.byte: a uint8 copy (old-style masks)."""
        return self.to(dtypes.uint8)

    def short(self) -> Tensor:
        """torch.Tensor.short: an int16 copy."""
        return self.to(dtypes.int16)

    def char(self) -> Tensor:
        """torch.Tensor.char: an int8 copy."""
        return self.to(dtypes.int8)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args, **kwargs):
        raise RuntimeError("CUDA is not available: this library runs on the CPU only")

    # ---------------------------------------------------------------- autograd
    def detach(self) -> Tensor:
        """A tensor sharing the data, cut from the graph (torch.Tensor.detach)."""
        return Tensor._new(self._data, False, None)

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Mark a leaf as needing its gradient (torch.Tensor.requires_grad_)."""
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use "
                    "a computed variable in a subgraph that doesn't require differentiation use "
                    "var_no_grad = var.detach().")
            return self
        kind_ok = self._data.dtype.kind == "c" or dtypes.is_floating(self._data.dtype)
        if requires_grad and not kind_ok:
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients (got {self.dtype})")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` on a non-leaf tensor after backward (torch.Tensor.retain_grad)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        node = self.grad_fn
        if node is None:
            return
        if node._retained is None:
            node._retained = []
            node._hooked = True
        if not any(r() is self for _, r in node._retained):
            node._retained.append((self._output_nr, weakref.ref(self)))

    @property
    def retains_grad(self) -> bool:
        node = self.grad_fn
        return node is not None and node._retained is not None and any(
            r() is self for _, r in node._retained)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        from .function import _RemovableHandle

        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            self._hooks.append(hook)
            return _RemovableHandle(self._hooks, hook)
        node = self.grad_fn
        if node._pre_hooks is None:
            node._pre_hooks = []
            node._hooked = True
        entry = (self._output_nr, hook)
        node._pre_hooks.append(entry)
        return _RemovableHandle(node._pre_hooks, entry)

    def backward(self, gradient=None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (torch.Tensor.backward)."""
        from .engine import backward

        backward(self, gradient, retain_graph, create_graph, inputs)

    # ---------------------------------------------------------------- in-place support
    def _check_inplace(self, op: str) -> None:
        if self.requires_grad and self.grad_fn is None and grad_mode.STATE.enabled:
            raise RuntimeError(
                f"{op}: a leaf Variable that requires grad is being used in an in-place operation.")

    def _assign(self, result: Tensor, op: str) -> Tensor:
        """Make ``self`` hold ``result`` (computed out of place), as an in-place op would."""
        if result.dtype != self._data.dtype:
            if not np.can_cast(result.dtype, self._data.dtype, casting="same_kind"):
                raise RuntimeError(
                    f"{op}: result type {result.dtype} can't be cast to the desired output type "
                    f"{self.dtype}")
            result = result.to(self._data.dtype)
        if result.shape != self._data.shape:
            raise RuntimeError(
                f"{op}: output with shape {list(self.shape)} doesn't match the broadcast shape "
                f"{list(result.shape)}")
        if result.requires_grad:
            self._data = result._data
            self.grad_fn = result.grad_fn
            self._output_nr = result._output_nr
            self.requires_grad = True
        else:
            if self._data.flags.writeable:
                np.copyto(self._data, result._data)
            else:
                self._data = np.array(result._data)
        self._version += 1
        return self

    # ---------------------------------------------------------------- printing
    def __repr__(self) -> str:
        return format_tensor(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        """0-d tensors format like their Python number (f"{loss:.4f}", f"{t}"), as in torch."""
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return object.__format__(self, spec)


_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "bfloat16": "BFloat16Tensor",
               "int64": "LongTensor", "int32": "IntTensor", "bool": "BoolTensor"}


def _rebuild(data, requires_grad):
    return Tensor._new(data, requires_grad)


def _check_dim(dim: int, ndim: int, op: str) -> int:
    lo, hi = -max(ndim, 1), max(ndim, 1) - 1
    if not lo <= dim <= hi:
        raise IndexError(
            f"{op}: Dimension out of range (expected to be in range of [{lo}, {hi}], "
            f"but got {dim})")
    return dim % max(ndim, 1)
