"""The globals a weights-only load may touch beyond tensors and containers: the user's allow-list
(torch.serialization.add_safe_globals / safe_globals / get_safe_globals / clear_safe_globals).

A pickle names each global as ``module.qualname``; an allowed object is matched by that name (or by
the name given with it, as ``(obj, "name")``), and by the PyTorch spelling of our own classes
(``torch.nn.modules.rnn.LSTM`` for ``nn.modules.rnn.LSTM``), so allow-lists and checkpoints
written for PyTorch work after the import swap. Nothing is imported to decide: a name that is not
allowed is refused before any module is looked up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

_added: list = []


def add_safe_globals(safe_globals: list[Callable | tuple[Callable, str]]) -> None:
    """Allow these classes/functions in weights-only loads from now on
    (torch.serialization.add_safe_globals). An item is an object or ``(object, "module.name")``."""
    _added.extend(_checked(safe_globals))


def get_safe_globals() -> list[Callable | tuple[Callable, str]]:
    """The globals allowed now: added with ``add_safe_globals`` or by an enclosing
    ``safe_globals`` block (torch.serialization.get_safe_globals)."""
    return list(_added)


def clear_safe_globals() -> None:
    """Forget every global added with ``add_safe_globals``
    (torch.serialization.clear_safe_globals)."""
    _added.clear()


class safe_globals:
    """Allow these globals in weights-only loads inside a ``with`` block
    (torch.serialization.safe_globals)."""

    def __init__(self, safe_globals: list[Callable | tuple[Callable, str]]) -> None:
        self.safe_globals = _checked(safe_globals)

    def __enter__(self) -> None:
        self._before = list(_added)
        _added.extend(self.safe_globals)

    def __exit__(self, *exc) -> None:
        _added[:] = self._before


def _checked(items) -> list:
    items = list(items)
    for item in items:
        if isinstance(item, tuple):
            if len(item) != 2 or not isinstance(item[1], str):
                raise TypeError(f"safe_globals: expected (callable, 'module.name'), got {item!r}")
        elif not hasattr(item, "__qualname__") or not hasattr(item, "__module__"):
            raise TypeError(f"safe_globals: {item!r} is not a class or function (it has no "
                            f"__module__/__qualname__ to be named by in a pickle)")
    return items


def pickle_name(obj) -> str:
    """The ``module.qualname`` a pickle uses for ``obj``."""
    return f"{obj.__module__}.{obj.__qualname__}"


# the packages that stand in for PyTorch's after the import swap
_TORCH_PACKAGES = (("torch.nn.", "nn."), ("torch.optim.", "optim."), ("torch.", "autograd."))


def torch_spelling(name: str) -> str | None:
    """``torch.nn.modules.rnn.LSTM`` for ``nn.modules.rnn.LSTM`` (None for foreign names)."""
    for theirs, ours in _TORCH_PACKAGES:
        if name.startswith(ours):
            return theirs + name[len(ours):]
    return None


def our_spelling(name: str) -> str | None:
    """``nn.modules.rnn.LSTM`` for ``torch.nn.modules.rnn.LSTM`` (None for non-torch names)."""
    for theirs, ours in _TORCH_PACKAGES:
        if name.startswith(theirs):
            return ours + name[len(theirs):]
    return None


def allowed(name: str):
    """The allowed object a pickle's global ``name`` refers to, or None when it is not allowed.

    A PyTorch name also matches when our package already imported holds the allowed object at
    the swapped path: ``torch.nn.functional.relu`` is ``nn.functional.relu`` even though that
    function's own home is ``nn.functional.activation``. Nothing is imported to find out."""
    items = [item if isinstance(item, tuple) else (item, pickle_name(item)) for item in _added]
    for obj, own in items:
        if name == own or name == torch_spelling(own):
            return obj
    ours = our_spelling(name)
    if ours is not None:
        module, _, attr = ours.rpartition(".")
        found = getattr(sys.modules.get(module), attr, None)
        if found is not None and any(found is obj for obj, _ in items):
            return found
    return None


__all__ = ["add_safe_globals", "clear_safe_globals", "get_safe_globals", "safe_globals"]
