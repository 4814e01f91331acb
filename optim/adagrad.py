"""Adagrad (torch.optim.Adagrad)."""

from __future__ import annotations

from collections.abc import Iterable

import autograd

from .optimizer import Optimizer, check_non_negative


class Adagrad(Optimizer):
    """Adagrad: ``s += g^2``; ``p -= lr_t * g / (sqrt(s) + eps)`` with
    ``lr_t = lr / (1 + (t - 1) * lr_decay)`` (torch.optim.Adagrad). State is created at
    construction, as in torch."""

    def __init__(self, params: Iterable, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        check_non_negative("lr_decay", lr_decay)
        check_non_negative("weight_decay", weight_decay)
        check_non_negative("initial_accumulator_value", initial_accumulator_value)
        check_non_negative("eps", eps, "epsilon")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps,
                                      weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, fused=fused))
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = self._init_state(p, group)

    def _init_state(self, param, group):
        return {"step": self._scalar(0.0),
                "sum": autograd.full_like(param, group["initial_accumulator_value"])}

    def _update(self, param, grad, state, group):
        t = self._step_count(state)
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        lr_t = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        std = state["sum"].addcmul_(grad, grad, value=1).sqrt().add_(group["eps"])
        param.addcdiv_(grad, std, value=-lr_t)
