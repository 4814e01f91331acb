"""torch.cuda stand-in: this library runs on the CPU only, so no CUDA device is ever available.

Scripts written for GPUs (``torch.device("cuda" if torch.cuda.is_available() else "cpu")``,
``torch.cuda.manual_seed_all(seed)``) run unchanged and take the CPU path.
"""

from __future__ import annotations

from types import SimpleNamespace

from . import amp as _amp


def is_available() -> bool:
    """torch.cuda.is_available: always False (numpy backend, CPU only)."""
    return False


def device_count() -> int:
    """torch.cuda.device_count: no CUDA devices."""
    return 0


def manual_seed(seed: int) -> None:
    """torch.cuda.manual_seed: nothing to seed without a CUDA device (a no-op, as in torch)."""
    int(seed)


def manual_seed_all(seed: int) -> None:
    """torch.cuda.manual_seed_all: nothing to seed without a CUDA device (a no-op, as in torch)."""
    int(seed)


def synchronize(device=None) -> None:
    """torch.cuda.synchronize: CPU work is already synchronous."""
    raise AssertionError("torch.cuda.synchronize: Torch not compiled with CUDA enabled "
                         "(this library runs on the CPU only)")


def empty_cache() -> None:
    """torch.cuda.empty_cache: there is no CUDA cache to empty (a no-op, as in torch)."""


# torch.cuda.amp.autocast / torch.cuda.amp.GradScaler (the older spelling of torch.amp's)
amp = SimpleNamespace(autocast=lambda enabled=True, dtype=None, cache_enabled=None:
                      _amp.autocast("cuda", dtype, enabled, cache_enabled),
                      GradScaler=_amp.GradScaler)
