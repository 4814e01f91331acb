"""Resilient backpropagation (torch.optim.Rprop)."""

from __future__ import annotations

from collections.abc import Iterable

import autograd

from .optimizer import Optimizer


class Rprop(Optimizer):
    """Rprop: each weight has its own step size, multiplied by ``etas[1]`` while its gradient
    keeps its sign and by ``etas[0]`` when the sign flips (then that update is skipped); the
    weight moves by ``-sign(g) * step_size`` (torch.optim.Rprop)."""

    def __init__(self, params: Iterable, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _init_state(self, param, group):
        return {"step": self._scalar(0.0), "prev": autograd.zeros_like(param),
                "step_size": autograd.full_like(param, group["lr"])}

    def _update(self, param, grad, state, group):
        eta_minus, eta_plus = group["etas"]
        smallest, largest = group["step_sizes"]
        self._step_count(state)
        agreement = grad * state["prev"]
        flipped = agreement < 0
        keep = autograd.ones_like(grad)  # a tensor, so the factors take the gradient's dtype
        factor = autograd.where(agreement > 0, eta_plus, autograd.where(flipped, eta_minus, keep))
        state["step_size"].mul_(factor).clamp_(smallest, largest)
        grad = autograd.where(flipped, 0.0, grad)
        param.addcmul_(grad.sign(), state["step_size"], value=-1)
        state["prev"].copy_(grad)
