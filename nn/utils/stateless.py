"""Call a module with some parameters and buffers swapped for given tensors
(torch.nn.utils.stateless.functional_call, the same as torch.func.functional_call)."""

from __future__ import annotations

from itertools import chain

from autograd import Tensor

from ..module import Module

__all__ = ["functional_call"]

_ABSENT = object()


def _merged(parameters_and_buffers) -> dict:
    if isinstance(parameters_and_buffers, dict):
        return dict(parameters_and_buffers)
    merged: dict = {}
    for part in parameters_and_buffers:
        repeated = sorted(merged.keys() & part.keys())
        if repeated:
            raise ValueError(f"functional_call got multiple values for keys {repeated}, which "
                             f"are used in more than one dictionary")
        merged.update(part)
    return merged


def functional_call(module: Module, parameters_and_buffers, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):
    """Run ``module(*args, **kwargs)`` with the named parameters/buffers replaced by the given
    tensors, restoring the originals afterwards (torch.nn.utils.stateless.functional_call).

    With ``tie_weights`` a tensor the module holds under several names is replaced under all of
    them; ``strict`` requires exactly the module's parameter and buffer names.
    """
    values = _merged(parameters_and_buffers)
    named = list(chain(module.named_parameters(remove_duplicate=False),
                       module.named_buffers(remove_duplicate=False)))
    if tie_weights:
        aliases: dict = {}
        for name, tensor in named:
            aliases.setdefault(id(tensor), []).append(name)
        for names in aliases.values():
            given = [n for n in names if n in values]
            for name in names:
                if given:
                    values.setdefault(name, values[given[0]])
    if strict:
        expected = {name for name, _ in named}
        problems = []
        unexpected = sorted(values.keys() - expected)
        missing = sorted(expected - values.keys())
        if unexpected:
            problems.append("Unexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected)
                            + ".")
        if missing:
            problems.append("Missing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
        if problems:
            raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t"
                               + "\n\t".join(problems))
    swapped = []
    try:
        for name, value in values.items():
            if not isinstance(value, Tensor):
                raise TypeError(f"functional_call: value for '{name}' must be a Tensor, got "
                                f"{type(value).__name__}")
            owner_path, _, attr = name.rpartition(".")
            owner = module.get_submodule(owner_path)
            table = (owner._parameters if attr in owner._parameters else
                     owner._buffers if attr in owner._buffers else owner.__dict__)
            swapped.append((table, attr, table.get(attr, _ABSENT)))
            table[attr] = value
        if args is None:
            args = ()
        elif not isinstance(args, tuple):
            args = (args,)
        return module(*args, **(kwargs or {}))
    finally:
        for table, attr, original in reversed(swapped):
            if original is _ABSENT:
                del table[attr]
            else:
                table[attr] = original
