"""Gradient-recording mode: no_grad, enable_grad, set_grad_enabled, inference_mode.

As in PyTorch the mode is per thread: a thread evaluating under ``no_grad`` leaves recording on in a
thread that is training. Each mode is a context manager and a decorator; a decorated method binds
``self`` like any function, and a decorated generator runs every resumption under the mode.
"""

from __future__ import annotations

import functools
import inspect
import threading


class _GradState(threading.local):
    """Per-thread switches; every new thread starts with recording on, outside inference mode."""

    def __init__(self) -> None:
        self.enabled = True
        self.inference = False


STATE = _GradState()


def is_grad_enabled() -> bool:
    """True when new ops record the graph in this thread (torch.is_grad_enabled)."""
    return STATE.enabled


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()`` in this thread (torch.is_inference_mode_enabled)."""
    return STATE.inference


class _ModeContext:
    """A context manager that is also a decorator; subclasses say which state they enter."""

    def _target(self) -> tuple[bool, bool]:
        raise NotImplementedError

    def __enter__(self):
        self._saved = getattr(self, "_saved", [])
        self._saved.append((STATE.enabled, STATE.inference))
        STATE.enabled, STATE.inference = self._target()
        return self

    def __exit__(self, *exc) -> None:
        STATE.enabled, STATE.inference = self._saved.pop()

    def clone(self) -> _ModeContext:
        """A fresh manager in the same mode (each decorated call enters its own)."""
        return self.__class__()

    def __call__(self, fn):
        if inspect.isclass(fn):
            raise RuntimeError(f"{type(self).__name__} cannot decorate a class; decorate its "
                               f"methods instead")
        if inspect.isgeneratorfunction(fn):
            return self._wrap_generator(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def _wrap_generator(self, fn):
        @functools.wraps(fn)
        def generator(*args, **kwargs):
            with self.clone():
                gen = fn(*args, **kwargs)
            try:
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as exc:  # thrown in: forward it under the mode
                        with self.clone():
                            response = gen.throw(exc)
                    else:
                        with self.clone():
                            response = gen.send(request)
            except StopIteration as stop:
                return stop.value

        return generator


class _NoParamMode(_ModeContext):
    """``@no_grad`` and ``@no_grad()`` both decorate, as in torch."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class set_grad_enabled(_ModeContext):
    """Turn graph recording on or off now; also a context manager (restoring the previous mode on
    exit) or a decorator (torch.set_grad_enabled)."""

    def __init__(self, mode: bool) -> None:
        self.prev = STATE.enabled
        self.mode = bool(mode)
        STATE.enabled = self.mode

    def _target(self) -> tuple[bool, bool]:
        return self.mode, STATE.inference

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        STATE.enabled = self.prev

    def clone(self) -> _ModeContext:
        return _SetGradMode(self.mode)

    def __call__(self, fn):
        STATE.enabled = self.prev  # used as a decorator: the constructor's switch is undone
        return super().__call__(fn)


class _SetGradMode(_ModeContext):
    def __init__(self, mode: bool) -> None:
        self.mode = mode

    def _target(self) -> tuple[bool, bool]:
        return self.mode, STATE.inference

    def clone(self) -> _ModeContext:
        return _SetGradMode(self.mode)


class no_grad(_NoParamMode):
    """Ops inside record no graph (torch.no_grad); `with no_grad():`, `@no_grad()`, `@no_grad`."""

    def _target(self) -> tuple[bool, bool]:
        return False, STATE.inference


class enable_grad(_NoParamMode):
    """Re-enable graph recording inside a no_grad region (torch.enable_grad)."""

    def _target(self) -> tuple[bool, bool]:
        return True, STATE.inference


class inference_mode(_ModeContext):
    """Like no_grad, and flags the thread as in inference mode (torch.inference_mode);
    ``inference_mode(False)`` turns both off: recording on, inference mode off, as in torch."""

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def _target(self) -> tuple[bool, bool]:
        return not self.mode, self.mode

    def clone(self) -> _ModeContext:
        return inference_mode(self.mode)
