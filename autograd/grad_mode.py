"""Gradient-recording mode: no_grad, enable_grad, set_grad_enabled, inference_mode."""

from __future__ import annotations

import functools


class _GradState:
    __slots__ = ("enabled",)

    def __init__(self) -> None:
        self.enabled = True


STATE = _GradState()


def is_grad_enabled() -> bool:
    """True when new ops record the graph (torch.is_grad_enabled)."""
    return STATE.enabled


class set_grad_enabled:
    """Turn graph recording on or off; a function call, a context manager or a decorator."""

    def __init__(self, mode: bool = True) -> None:
        self.prev = STATE.enabled
        self.mode = bool(mode)
        STATE.enabled = self.mode

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        STATE.enabled = self.prev

    def __call__(self, fn):
        STATE.enabled = self.prev
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = STATE.enabled
            STATE.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                STATE.enabled = prev

        return wrapper


class _GradModeContext:
    """Base for no_grad / enable_grad: a context manager that is also a decorator."""

    mode = True

    def __init__(self, *args) -> None:
        self._fn = args[0] if args and callable(args[0]) else None
        if self._fn is not None:
            functools.update_wrapper(self, self._fn)

    def __enter__(self):
        self.prev = STATE.enabled
        STATE.enabled = self.mode
        return self

    def __exit__(self, *exc) -> None:
        STATE.enabled = self.prev

    def __call__(self, *args, **kwargs):
        if self._fn is None:
            fn = args[0]
            return type(self)(fn)
        prev = STATE.enabled
        STATE.enabled = self.mode
        try:
            return self._fn(*args, **kwargs)
        finally:
            STATE.enabled = prev


class no_grad(_GradModeContext):
    """Ops inside record no graph (torch.no_grad); usable as `with no_grad():` or `@no_grad()`."""

    mode = False


class enable_grad(_GradModeContext):
    """Re-enable graph recording inside a no_grad region (torch.enable_grad)."""

    mode = True


class inference_mode(_GradModeContext):
    """Like no_grad (torch.inference_mode); `inference_mode(False)` leaves recording as it is."""

    mode = False

    def __init__(self, mode=True) -> None:
        if callable(mode):
            super().__init__(mode)
            return
        super().__init__()
        self.mode = False if mode else STATE.enabled
