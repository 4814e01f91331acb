"""torch.set_num_threads / get_num_threads for scripts that pin their thread count.

numpy's BLAS keeps its own thread pool (sized by OMP_NUM_THREADS / OPENBLAS_NUM_THREADS before
start); these record the requested count so get_num_threads reports what the script asked for.
"""

from __future__ import annotations

import os

_requested = {"threads": os.cpu_count() or 1}


def set_num_threads(num: int) -> None:
    """torch.set_num_threads: record the intra-op thread count (at least 1)."""
    if int(num) < 1:
        raise RuntimeError(f"set_num_threads: number of threads must be positive, got {num}")
    _requested["threads"] = int(num)


def get_num_threads() -> int:
    """torch.get_num_threads: the count set by set_num_threads (the CPU count by default)."""
    return _requested["threads"]
