"""Averaged stochastic gradient descent (torch.optim.ASGD)."""

from __future__ import annotations

from collections.abc import Iterable

import autograd

from .optimizer import Optimizer, check_non_negative


class ASGD(Optimizer):
    """ASGD: SGD with step size ``eta_t = lr / (1 + lambd * lr * t)^alpha`` and a running average
    ``ax`` of the iterates once ``t > t0`` (torch.optim.ASGD)."""

    def __init__(self, params: Iterable, lr: float = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        check_non_negative("weight_decay", weight_decay)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _init_state(self, param, group):
        return {"step": self._scalar(0.0), "eta": self._scalar(group["lr"]),
                "mu": self._scalar(1.0), "ax": autograd.zeros_like(param)}

    def _update(self, param, grad, state, group):
        lr, lambd, alpha = group["lr"], group["lambd"], group["alpha"]
        t = self._step_count(state)
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        eta = state["eta"].item()
        param.mul_(1 - lambd * eta)
        param.add_(grad, alpha=-eta)
        if state["mu"].item() != 1:
            state["ax"].add_(param.sub(state["ax"]).mul_(state["mu"]))
        else:
            state["ax"].copy_(param)
        state["eta"].fill_(lr / ((1 + lambd * lr * t) ** alpha))
        state["mu"].fill_(1 / max(1, t - group["t0"]))
