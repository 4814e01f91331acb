"""torch.autograd's anomaly detection: under ``detect_anomaly()`` / ``set_detect_anomaly()`` the
first NaN/Inf in forward or backward raises, naming the op, its shapes and the user's line that
created it (and the `where` trap when that is the cause). The per-op checks live in recording."""

from __future__ import annotations

import functools

from . import recording


# ---------------------------------------------------------------- anomaly mode
def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on (torch.is_anomaly_enabled)."""
    return recording.STATE.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly mode checks for NaN/Inf (torch.is_anomaly_check_nan_enabled)."""
    return recording.STATE.check_nan


class detect_anomaly:
    """Context manager / decorator turning anomaly detection on (torch.autograd.detect_anomaly).

    Each op remembers the line that created it; the first NaN produced in forward that flows on,
    and the first NaN/Inf produced in backward, raise ``AnomalyError`` naming the op, the shapes
    and that line. Errors inside a backward get the forward traceback of their op as a note.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._prev = None

    def __enter__(self) -> detect_anomaly:
        self._prev = (recording.STATE.anomaly, recording.STATE.check_nan)
        recording.set_anomaly(True, self.check_nan)
        return self

    def __exit__(self, *exc) -> None:
        recording.set_anomaly(*self._prev)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off now; as a context manager, restore it on exit
    (torch.autograd.set_detect_anomaly)."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = (recording.STATE.anomaly, recording.STATE.check_nan)
        recording.set_anomaly(mode, check_nan)

    def __enter__(self) -> set_detect_anomaly:
        return self

    def __exit__(self, *exc) -> None:
        recording.set_anomaly(*self._prev)
