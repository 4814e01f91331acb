"""The errors load raises: refused globals (weights-only) and damaged files."""

from __future__ import annotations

import pickle


class LoadError(RuntimeError):
    """A file load cannot read: truncated, damaged, of an unknown kind, or unsupported here."""


class WeightsOnlyError(pickle.UnpicklingError):
    """A weights-only load met a global that is not allowed (torch's UnpicklingError)."""


def damaged(name: str, exc: BaseException) -> LoadError:
    """The error for a file whose contents do not parse (never a bare KeyError/IndexError)."""
    return LoadError(f"load: {name} is truncated or damaged and cannot be read "
                     f"({type(exc).__name__}: {str(exc)[:200]})")
