"""Optimizer: the loop every update rule shares (torch.optim.Optimizer).

The base class owns the parameter groups and the per-parameter state; ``step`` walks the groups,
skips parameters without a gradient, creates a parameter's state the first time it is updated and
hands ``(param, grad, state, group)`` to the subclass's ``_update`` under ``no_grad``. A subclass
is its update rule and nothing else.
"""

from __future__ import annotations

import copy
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import autograd
from autograd import Tensor


class _RequiredParameter:
    """Marks a default that every parameter group must give (torch.optim.optimizer.required)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

# 0-d state counters kept in their own dtype when a state_dict is loaded
SCALAR_STATE = frozenset({"step", "mu_product", "eta", "mu"})

_hook_ids = itertools.count()


class _RemovableHandle:
    """Removes a registered hook (torch.utils.hooks.RemovableHandle)."""

    def __init__(self, hooks: dict, key: int) -> None:
        self._hooks, self._key = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


class Optimizer:
    """Base class of all optimizers: param_groups, lazy per-parameter state, step, state_dict.

    Subclasses pass their defaults and implement ``_update(param, grad, state, group)`` (and
    ``_init_state(param, group)`` returning the state dict a parameter starts with).
    """

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        if defaults.get("differentiable"):
            raise ValueError(f"{type(self).__name__}: differentiable=True is not supported "
                             f"(updates run under no_grad as in-place ops)")
        lr = defaults.get("lr")
        if isinstance(lr, (int, float)) and lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._step_pre_hooks: dict[int, Callable] = {}
        self._step_post_hooks: dict[int, Callable] = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a Tensor")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (torch Optimizer.add_param_group)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple) and len(p) == 2]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            group["param_names"] = names
            params = [p[1] for p in params]
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params "
                                f"(index {i}) is {type(p).__module__}.{type(p).__name__}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        group["params"] = params
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)
        lr = group.get("lr")
        if isinstance(lr, (int, float)) and lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        ids = [id(p) for p in params]
        if len(ids) != len(set(ids)):
            shapes = [tuple(p.shape) for p in params if ids.count(id(p)) > 1]
            raise ValueError(f"optimizer got the same parameter more than once in a parameter "
                             f"group (shape {shapes[0]}); list each parameter once")
        for other in self.param_groups:
            if ("param_names" in other) != ("param_names" in group):
                raise ValueError("all optimizer param groups should be with/without names. "
                                 "cannot add param group "
                                 f"{'with' if 'param_names' in group else 'without'} names "
                                 "to the optimizer")
            if not {id(p) for p in other["params"]}.isdisjoint(ids):
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    # ------------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient, to None by default (torch Optimizer.zero_grad)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None):
        """Update every parameter that has a gradient; returns ``closure()`` if one is given."""
        for hook in list(self._step_pre_hooks.values()):
            hook(self, (), {})
        loss = None
        if closure is not None:
            with autograd.enable_grad():
                loss = closure()
        with autograd.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state.get(p)
                    if state is None:
                        state = self._init_state(p, group)
                        if state:
                            self.state[p] = state
                    grad = -p.grad if group.get("maximize") else p.grad
                    self._update(p, grad, state, group)
        for hook in list(self._step_post_hooks.values()):
            hook(self, (), {})
        return loss

    def _init_state(self, param: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """The state a parameter starts with (empty: the rule keeps none)."""
        return {}

    def _update(self, param: Tensor, grad: Tensor, state: dict[str, Any],
                group: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _update")

    @staticmethod
    def _step_count(state: dict[str, Any]) -> float:
        """Advance the 0-d ``state['step']`` tensor (kept like torch's) and return its value."""
        state["step"] += 1
        return state["step"].item()

    @staticmethod
    def _scalar(value: float) -> Tensor:
        """A 0-d state tensor in the default float dtype, like torch's step / mu_product."""
        return autograd.tensor(value, dtype=autograd.get_default_dtype())

    # ------------------------------------------------------------------ hooks
    def register_step_pre_hook(self, hook: Callable) -> _RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` before each step (torch)."""
        key = next(_hook_ids)
        self._step_pre_hooks[key] = hook
        return _RemovableHandle(self._step_pre_hooks, key)

    def register_step_post_hook(self, hook: Callable) -> _RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` after each step (torch)."""
        key = next(_hook_ids)
        self._step_post_hooks[key] = hook
        return _RemovableHandle(self._step_post_hooks, key)

    # ------------------------------------------------------------------ saving
    def state_dict(self) -> dict[str, Any]:
        """``{'state': {index: state}, 'param_groups': [...]}`` with parameters numbered in
        group order, as torch's Optimizer.state_dict (state tensors are not copied)."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: s for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore groups' options and the per-parameter state saved by ``state_dict``.

        State tensors are copied; those shaped like the parameter are cast to its dtype, while
        the 0-d counters (step, NAdam's mu_product, ASGD's eta and mu) keep their dtype, so a
        resumed run continues bit for bit.
        """
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for group, saved in zip(self.param_groups, saved_groups):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group")
        by_index = {}
        for group, saved in zip(self.param_groups, saved_groups):
            by_index.update(zip(saved["params"], group["params"]))
        state: defaultdict[Tensor, dict] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            key = int(key) if isinstance(key, str) and key.isdigit() else key
            if key in by_index:
                param = by_index[key]
                state[param] = {k: _cast_state(param, k, v) for k, v in value.items()}
            else:
                state[key] = value
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            for key, value in saved.items():  # a file may give tuples (betas...) back as lists
                if isinstance(value, list) and isinstance(group.get(key), tuple):
                    saved[key] = tuple(value)
            new_groups.append(saved)
        self.state = state
        self.param_groups = new_groups

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_step_pre_hooks", {})
        self.__dict__.setdefault("_step_post_hooks", {})

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"


def _cast_state(param: Tensor, key: str, value: Any) -> Any:
    """A private copy of one saved state value, floating tensors cast to the parameter's dtype
    (arrays, e.g. a torch optimizer's state converted to numpy, become tensors)."""
    if not isinstance(value, Tensor) and hasattr(value, "__array__"):
        value = autograd.as_tensor(value)
    if isinstance(value, Tensor):
        value = value.detach().clone()
        if key not in SCALAR_STATE and param.is_floating_point() and value.is_floating_point():
            value = value.to(param.dtype)
        return value
    if isinstance(value, dict):
        return {k: _cast_state(param, k, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, key, v) for v in value)
    return value


def check_non_negative(name: str, value: float, label: str | None = None) -> None:
    """Refuse a negative hyperparameter with torch's message ('Invalid <label> value: ...')."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {label or name} value: {value}")


def check_betas(betas: tuple[float, float]) -> None:
    """Each beta must lie in [0, 1) (torch's 'Invalid beta parameter at index i')."""
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
