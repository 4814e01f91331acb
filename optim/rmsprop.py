"""RMSprop (torch.optim.RMSprop)."""

from __future__ import annotations

from collections.abc import Iterable

import autograd

from .optimizer import Optimizer, check_non_negative


class RMSprop(Optimizer):
    """RMSprop: ``v = alpha * v + (1 - alpha) * g^2``; ``p -= lr * g / (sqrt(v) + eps)``;
    ``centered`` subtracts the squared mean gradient from v, ``momentum`` keeps a buffer of the
    scaled steps (torch.optim.RMSprop)."""

    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, capturable: bool = False, foreach: bool | None = None,
                 maximize: bool = False, differentiable: bool = False) -> None:
        check_non_negative("eps", eps, "epsilon")
        check_non_negative("momentum", momentum)
        check_non_negative("weight_decay", weight_decay)
        check_non_negative("alpha", alpha)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps,
                                      centered=centered, weight_decay=weight_decay,
                                      capturable=capturable, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable))

    def _init_state(self, param, group):
        state = {"step": self._scalar(0.0), "square_avg": autograd.zeros_like(param)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = autograd.zeros_like(param)
        if group["centered"]:
            state["grad_avg"] = autograd.zeros_like(param)
        return state

    def _update(self, param, grad, state, group):
        alpha = group["alpha"]
        self._step_count(state)
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        v = state["square_avg"].mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if group["centered"]:
            mean = state["grad_avg"].lerp_(grad, 1 - alpha)
            avg = v.addcmul(mean, mean, value=-1).sqrt_()
        else:
            avg = v.sqrt()
        avg.add_(group["eps"])
        if group["momentum"] > 0:
            buf = state["momentum_buffer"].mul_(group["momentum"]).addcdiv_(grad, avg)
            param.add_(buf, alpha=-group["lr"])
        else:
            param.addcdiv_(grad, avg, value=-group["lr"])
