"""Which implementation a kernel runs: the numpy reference, or its compiled (numba) twin.

The twin is used when numba is importable (``pip install topograd[fast]``) and the environment
variable ``TOPOGRAD_NO_NUMBA`` is unset (or ``0``). numba is imported lazily, the first time a
kernel that has a twin runs (importing it costs about 1.5 s), and its functions are compiled with
``cache=True`` (the first run of a new install compiles them once, later processes load them).
"""

from __future__ import annotations

import os

_UNSET = object()
_module = _UNSET


def compiled():
    """The module of compiled twins (``autograd.kernels._numba``), or None when numba is missing
    or switched off."""
    global _module
    if _module is _UNSET:
        _module = None
        if os.environ.get("TOPOGRAD_NO_NUMBA", "0") in ("", "0"):
            try:
                from . import _numba
            except ImportError:
                pass
            else:
                _module = _numba
    return _module


def use_compiled(enabled: bool | None) -> None:
    """Force the compiled twins on (True: raises ImportError if numba is missing), off (False),
    or back to the automatic choice (None). For tests and benchmarks."""
    global _module
    if enabled is None:
        _module = _UNSET
    elif enabled:
        from . import _numba

        _module = _numba
    else:
        _module = None
