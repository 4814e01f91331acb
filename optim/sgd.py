"""Stochastic gradient descent with momentum, dampening and Nesterov (torch.optim.SGD)."""

from __future__ import annotations

from collections.abc import Iterable

from .optimizer import Optimizer, check_non_negative


class SGD(Optimizer):
    """SGD: ``b = momentum * b + (1 - dampening) * g``; ``p -= lr * (g + momentum * b if nesterov
    else b)``, with L2 ``weight_decay`` added to the gradient (torch.optim.SGD)."""

    def __init__(self, params: Iterable, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        check_non_negative("momentum", momentum)
        check_non_negative("weight_decay", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _init_state(self, param, group):
        return {"momentum_buffer": None} if group["momentum"] != 0 else {}

    def _update(self, param, grad, state, group):
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        momentum = group["momentum"]
        if momentum != 0:
            buf = state["momentum_buffer"]
            if buf is None:
                buf = state["momentum_buffer"] = grad.detach().clone()
            else:
                buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
            grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
        param.add_(grad, alpha=-group["lr"])
