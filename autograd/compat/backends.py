"""torch.backends stand-in: the flags scripts set for reproducibility, and device probes.

``torch.backends.cudnn.deterministic = True`` and ``torch.backends.cudnn.benchmark = False`` are
accepted and have no effect (numpy on the CPU is deterministic);
``torch.backends.mps.is_available()`` is False.
"""

from __future__ import annotations

from types import SimpleNamespace


def _unavailable() -> bool:
    return False


cudnn = SimpleNamespace(deterministic=False, benchmark=False, enabled=True, allow_tf32=True,
                        is_available=_unavailable)
cuda = SimpleNamespace(matmul=SimpleNamespace(allow_tf32=False), is_built=_unavailable)
mps = SimpleNamespace(is_available=_unavailable, is_built=_unavailable)
