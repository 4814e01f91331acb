"""Adafactor (torch.optim.Adafactor): Adam-like steps with a factored second moment."""

from __future__ import annotations

from collections.abc import Iterable

import autograd

from .optimizer import Optimizer, check_non_negative


class Adafactor(Optimizer):
    """Adafactor: for a matrix gradient the second moment is kept as row and column means
    (``V = R C / mean(R)``), for vectors in full; the step is ``G / sqrt(V)`` clipped to RMS
    ``d`` and scaled by ``max(eps2, RMS(param)) * min(lr, 1/sqrt(t))``, with
    ``beta2_t = 1 - t**beta2_decay`` (torch.optim.Adafactor)."""

    def __init__(self, params: Iterable, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0, *,
                 foreach: bool | None = None, maximize: bool = False) -> None:
        check_non_negative("learning rate", lr)
        check_non_negative("weight_decay", weight_decay)
        if beta2_decay > 0:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and eps[0] < 0:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if eps[1] < 0:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if d < 1:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize))

    def _init_state(self, param, group):
        state = {"step": self._scalar(0.0)}
        if param.dim() > 1:
            shape = tuple(param.shape)
            state["row_var"] = autograd.zeros(*shape[:-1], 1, dtype=param.dtype)
            state["col_var"] = autograd.zeros(*shape[:-2], 1, shape[-1], dtype=param.dtype)
        else:
            state["variance"] = autograd.zeros_like(param)
        return state

    def _update(self, param, grad, state, group):
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = autograd.finfo(param.dtype).eps
        t = self._step_count(state)
        lr = group["lr"]
        one_minus_beta2 = t ** group["beta2_decay"]
        rho = min(lr, 1 / t ** 0.5)
        alpha = max(eps2, param.norm(2).item() / param.numel() ** 0.5) * rho
        if group["weight_decay"] != 0:
            param.mul_(1 - lr * group["weight_decay"])
        if grad.dim() > 1:
            row_mean = grad.norm(dim=-1, keepdim=True).square() / grad.shape[-1]
            state["row_var"].lerp_(row_mean, one_minus_beta2)
            col_mean = grad.norm(dim=-2, keepdim=True).square() / grad.shape[-2]
            state["col_var"].lerp_(col_mean, one_minus_beta2)
            var_estimate = state["row_var"] @ state["col_var"]
            var_estimate = var_estimate / state["row_var"].mean(dim=-2, keepdim=True).clamp(
                min=eps1)
        else:
            state["variance"].lerp_(grad * grad, one_minus_beta2)
            var_estimate = state["variance"].clone()
        update = var_estimate.clamp(min=eps1 * eps1).rsqrt() * grad
        denom = max(1.0, update.norm(2).item() / (update.numel() ** 0.5 * group["d"]))
        param.add_(update, alpha=-alpha / denom)
