"""Public functions written from the primitive ops (numeric: diff, gradient, trapezoid, cov, vander,
...; integer and set functions; window functions; view-like functions; factories; Tensor-only
methods). Importing the package binds each module's ``METHODS`` onto Tensor, as ops/ does."""

from ..ops import bind_modules

__all__ = []

bind_modules(__name__, __path__, globals(), __all__)
