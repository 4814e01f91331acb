"""Global switches scripts flip for speed or reproducibility on GPUs, and torch.compile.

numpy on the CPU is deterministic and computes float32 matmuls in full precision, so these
record the request (the getters report it) and change no result.
"""

from __future__ import annotations

_state = {"matmul_precision": "highest", "deterministic": False, "warn_only": False}


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
