"""The primitive ops, grouped by kind, one module each.

Importing this package binds every module's ``METHODS`` table onto Tensor and gathers the public
functions each module lists in ``__all__``, which ``autograd`` re-exports (torch.add, torch.cat...).
"""

import importlib
import pkgutil

from ..tensor import Tensor
from ._names import set_class_names

__all__ = []


def bind_modules(package: str, path, namespace: dict, public: list) -> None:
    """Import every public module of ``package``: put its ``METHODS`` onto Tensor and its
    ``__all__`` names into ``namespace`` (listed in ``public``); composite/ binds the same way."""
    modules = sorted(info.name for info in pkgutil.iter_modules(path)
                     if not info.name.startswith("_"))
    for module_name in modules:
        module = importlib.import_module(f"{package}.{module_name}")
        for method, fn in getattr(module, "METHODS", {}).items():
            setattr(Tensor, method, fn)
        for name in getattr(module, "__all__", ()):
            namespace[name] = getattr(module, name)
            public.append(name)


bind_modules(__name__, __path__, globals(), __all__)
set_class_names()  # torch's grad_fn names for the classes just loaded
