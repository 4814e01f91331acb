"""The primitive ops, grouped by kind, one module each.

Importing this package binds every module's ``METHODS`` table onto Tensor and gathers the public
functions each module lists in ``__all__``, which ``autograd`` re-exports (torch.add, torch.cat...).
"""

import importlib
import pkgutil

from ..tensor import Tensor

__all__ = []


def _load() -> None:
    names = sorted(info.name for info in pkgutil.iter_modules(__path__)
                   if not info.name.startswith("_"))
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        for method, fn in getattr(module, "METHODS", {}).items():
            setattr(Tensor, method, fn)
        for public in getattr(module, "__all__", ()):
            globals()[public] = getattr(module, public)
            __all__.append(public)


_load()

from ._names import set_class_names  # noqa: E402  (names classes of modules loaded above)

set_class_names()
