"""Process-wide switches scripts set and query: default device, warn-always, interop threads,
the legacy default tensor type (torch.set_default_device, torch.set_default_tensor_type, ...)."""

from __future__ import annotations

import os

from . import dtypes

_state = {"warn_always": False, "interop_threads": os.cpu_count() or 1}


def get_default_device():
    """The device new tensors are created on: always the CPU here (torch.get_default_device)."""
    from .tensor import device

    return device("cpu")


def set_default_device(device) -> None:
    """Only the CPU exists here: accepts None or a CPU device (torch.set_default_device)."""
    from .tensor import device as make_device

    if device is not None:
        make_device(device)


def set_default_tensor_type(t) -> None:
    """Legacy: set the default float dtype from a tensor type such as ``FloatTensor`` or
    ``'torch.DoubleTensor'`` (torch.set_default_tensor_type)."""
    name = t if isinstance(t, str) else getattr(t, "__name__", str(t))
    name = name.rsplit(".", 1)[-1]
    table = {"FloatTensor": dtypes.float32, "DoubleTensor": dtypes.float64,
             "HalfTensor": dtypes.float16}
    if name not in table:
        raise TypeError(f"invalid type: '{t}' (only CPU floating-point tensor types can be the "
                        f"default)")
    dtypes.set_default_dtype(table[name])


def set_warn_always(b: bool) -> None:
    """Record whether warnings that fire once should fire every time (torch.set_warn_always)."""
    _state["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    """The flag set by set_warn_always (torch.is_warn_always_enabled)."""
    return _state["warn_always"]


def set_num_interop_threads(num: int) -> None:
    """Record the inter-op thread count (torch.set_num_interop_threads)."""
    if int(num) < 1:
        raise RuntimeError(f"set_num_interop_threads: number of threads must be positive, got "
                           f"{num}")
    _state["interop_threads"] = int(num)


def get_num_interop_threads() -> int:
    """The count set by set_num_interop_threads (torch.get_num_interop_threads)."""
    return _state["interop_threads"]


def set_flush_denormal(mode: bool) -> bool:
    """numpy cannot flush denormals: returns False, as torch does where unsupported
    (torch.set_flush_denormal)."""
    return False


__all__ = ["get_default_device", "set_default_device", "set_default_tensor_type",
           "set_warn_always", "is_warn_always_enabled", "set_num_interop_threads",
           "get_num_interop_threads", "set_flush_denormal"]
