"""Process-wide switches scripts set and query (torch.set_num_threads, torch.set_default_device,
torch.use_deterministic_algorithms, torch.compile, ...).

numpy on the CPU is deterministic and computes float32 matmuls in full precision, so the
speed/reproducibility switches record the request (the getters report it) and change no result.
numpy's BLAS keeps its own thread pool (sized by OMP_NUM_THREADS / OPENBLAS_NUM_THREADS before
start); set_num_threads records the requested count so get_num_threads reports what was asked for.
"""

from __future__ import annotations

import os

from .. import dtypes
from ..tensor import device as make_device

_state = {"matmul_precision": "highest", "deterministic": False, "warn_only": False,
          "warn_always": False, "interop_threads": os.cpu_count() or 1,
          "threads": os.cpu_count() or 1}


def set_float32_matmul_precision(precision: str) -> None:
    """torch.set_float32_matmul_precision('highest' | 'high' | 'medium')."""
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"set_float32_matmul_precision: invalid precision {precision!r} "
                           f"(expected 'highest', 'high' or 'medium')")
    _state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    """torch.get_float32_matmul_precision: the value last set ('highest' by default)."""
    return _state["matmul_precision"]


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """torch.use_deterministic_algorithms: every op here is deterministic already."""
    _state["deterministic"] = bool(mode)
    _state["warn_only"] = bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """torch.are_deterministic_algorithms_enabled: the mode last set."""
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """torch.is_deterministic_algorithms_warn_only_enabled: the warn_only flag last set."""
    return _state["warn_only"]


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """torch.set_deterministic_debug_mode: 'default' (0) off, 'warn' (1) deterministic with
    warn_only, 'error' (2) deterministic."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, "
                               f"`error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """torch.get_deterministic_debug_mode: 0 off, 1 warn only, 2 error."""
    if not _state["deterministic"]:
        return 0
    return 1 if _state["warn_only"] else 2


def compile(model=None, **options):
    """torch.compile: there is no compiler here, so the model (or function) is returned as is
    and runs eagerly; ``@torch.compile`` and ``@torch.compile(mode=...)`` both work."""
    if model is None:
        return lambda fn: fn
    return model


def get_default_device():
    """The device new tensors are created on: always the CPU here (torch.get_default_device)."""
    return make_device("cpu")


def set_default_device(device) -> None:
    """Only the CPU exists here: accepts None or a CPU device (torch.set_default_device)."""
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



def set_num_threads(num: int) -> None:
    """torch.set_num_threads: record the intra-op thread count (at least 1)."""
    if int(num) < 1:
        raise RuntimeError(f"set_num_threads: number of threads must be positive, got {num}")
    _state["threads"] = int(num)


def get_num_threads() -> int:
    """torch.get_num_threads: the count set by set_num_threads (the CPU count by default)."""
    return _state["threads"]
