"""Adadelta (torch.optim.Adadelta)."""

from __future__ import annotations

from collections.abc import Iterable

import autograd

from .optimizer import Optimizer, check_non_negative


class Adadelta(Optimizer):
    """Adadelta: ``v = rho * v + (1 - rho) * g^2``; ``d = sqrt(u + eps) / sqrt(v + eps) * g``;
    ``u = rho * u + (1 - rho) * d^2``; ``p -= lr * d`` (torch.optim.Adadelta)."""

    def __init__(self, params: Iterable, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_non_negative("eps", eps, "epsilon")
        check_non_negative("weight_decay", weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, capturable=capturable, foreach=foreach,
                                      differentiable=differentiable))

    def _init_state(self, param, group):
        return {"step": self._scalar(0.0), "square_avg": autograd.zeros_like(param),
                "acc_delta": autograd.zeros_like(param)}

    def _update(self, param, grad, state, group):
        rho, eps = group["rho"], group["eps"]
        self._step_count(state)
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        v = state["square_avg"].mul_(rho).addcmul_(grad, grad, value=1 - rho)
        u = state["acc_delta"]
        delta = u.add(eps).sqrt_().div_(v.add(eps).sqrt_()).mul_(grad)
        u.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        param.add_(delta, alpha=-group["lr"])
