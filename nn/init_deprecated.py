"""The pre-0.4 spellings of nn.init without the trailing underscore (nn.init.normal, ...):
each warns as torch does and calls the in-place initialiser; clip_grad_norm likewise."""

from __future__ import annotations

import warnings

from . import init


def _deprecated(name: str):
    target = getattr(init, name + "_")

    def fn(*args, **kwargs):
        warnings.warn(f"`nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`.",
                      FutureWarning, stacklevel=2)
        return target(*args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = f"Deprecated alias of {name}_ (torch.nn.init.{name})."
    return fn


NAMES = ["uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
         "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"]
ALIASES = {name: _deprecated(name) for name in NAMES}
