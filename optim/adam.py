"""The Adam family: Adam, AdamW, Adamax, NAdam, RAdam (torch.optim, same names and defaults).

Each keeps two running averages of the gradient, as in the notes: momentum
``m = beta1 * m + (1 - beta1) * g`` and the RMSprop term ``v = beta2 * v + (1 - beta2) * g^2``,
corrected for their zero start by ``1 - beta^t``. As in PyTorch, epsilon is added to
``sqrt(v_hat)`` (outside the square root).
"""

from __future__ import annotations

from collections.abc import Iterable

import autograd

from .optimizer import Optimizer, check_betas, check_non_negative


def _check(eps: float, betas: tuple[float, float], weight_decay: float) -> None:
    check_non_negative("eps", eps, "epsilon")
    check_betas(betas)
    check_non_negative("weight_decay", weight_decay)


def _apply_weight_decay(param, grad, group, decoupled: bool):
    """L2 (added to the gradient) or decoupled (shrinks the parameter: AdamW) weight decay."""
    weight_decay = group["weight_decay"]
    if weight_decay == 0:
        return grad
    if decoupled:
        param.mul_(1 - group["lr"] * weight_decay)
        return grad
    return grad.add(param, alpha=weight_decay)


class Adam(Optimizer):
    """Adam: bias-corrected momentum over bias-corrected RMS, ``amsgrad`` keeps the running max
    of v; ``decoupled_weight_decay=True`` gives AdamW (torch.optim.Adam)."""

    def __init__(self, params: Iterable, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        _check(eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                                      capturable=capturable, differentiable=differentiable,
                                      fused=fused, decoupled_weight_decay=decoupled_weight_decay))

    def _init_state(self, param, group):
        state = {"step": self._scalar(0.0), "exp_avg": autograd.zeros_like(param),
                 "exp_avg_sq": autograd.zeros_like(param)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = autograd.zeros_like(param)
        return state

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        t = self._step_count(state)
        grad = _apply_weight_decay(param, grad, group, group["decoupled_weight_decay"])
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.lerp_(grad, 1 - beta1)
        v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        if group["amsgrad"]:
            v = state["max_exp_avg_sq"].copy_(autograd.maximum(state["max_exp_avg_sq"], v))
        step_size = group["lr"] / (1 - beta1 ** t)
        denom = (v.sqrt() / (1 - beta2 ** t) ** 0.5).add_(group["eps"])
        param.addcdiv_(m, denom, value=-step_size)


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p *= 1 - lr * weight_decay`` (torch.optim.AdamW)."""

    def __init__(self, params: Iterable, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


class Adamax(Adam):
    """Adam with the infinity norm: ``u = max(beta2 * u, |g| + eps)``; ``p -= lr / (1 - beta1^t)
    * m / u`` (torch.optim.Adamax)."""

    def __init__(self, params: Iterable, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check(eps, betas, weight_decay)
        Optimizer.__init__(self, params, dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
            maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _init_state(self, param, group):
        return {"step": self._scalar(0.0), "exp_avg": autograd.zeros_like(param),
                "exp_inf": autograd.zeros_like(param)}

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        t = self._step_count(state)
        grad = _apply_weight_decay(param, grad, group, decoupled=False)
        m, u = state["exp_avg"], state["exp_inf"]
        m.lerp_(grad, 1 - beta1)
        u.copy_(autograd.maximum(u.mul_(beta2), grad.abs().add_(group["eps"])))
        param.addcdiv_(m, u, value=-group["lr"] / (1 - beta1 ** t))


class NAdam(Adam):
    """Adam with Nesterov momentum and the momentum-decay schedule
    ``mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))`` (torch.optim.NAdam)."""

    def __init__(self, params: Iterable, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check(eps, betas, weight_decay)
        check_non_negative("momentum_decay", momentum_decay)
        Optimizer.__init__(self, params, dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
            momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize, foreach=foreach, capturable=capturable,
            differentiable=differentiable))

    def _init_state(self, param, group):
        return {"step": self._scalar(0.0), "mu_product": self._scalar(1.0),
                "exp_avg": autograd.zeros_like(param), "exp_avg_sq": autograd.zeros_like(param)}

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        lr, decay = group["lr"], group["momentum_decay"]
        t = self._step_count(state)
        grad = _apply_weight_decay(param, grad, group, group["decoupled_weight_decay"])
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * decay))
        # the running product is a 0-d tensor in the default dtype, rounded like torch's
        mu_product = state["mu_product"].mul_(mu).item()
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.lerp_(grad, 1 - beta1)
        v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = v.div(1 - beta2 ** t).sqrt_().add_(group["eps"])
        param.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - mu_product))
        param.addcdiv_(m, denom, value=-lr * mu_next / (1.0 - mu_product * mu_next))


class RAdam(Adam):
    """Rectified Adam: plain bias-corrected momentum while the variance estimate is unreliable
    (rho_t <= 5), then Adam scaled by the rectification term (torch.optim.RAdam)."""

    def __init__(self, params: Iterable, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check(eps, betas, weight_decay)
        Optimizer.__init__(self, params, dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
            foreach=foreach, capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _init_state(self, param, group):
        return {"step": self._scalar(0.0), "exp_avg": autograd.zeros_like(param),
                "exp_avg_sq": autograd.zeros_like(param)}

    def _update(self, param, grad, state, group):
        beta1, beta2 = group["betas"]
        lr = group["lr"]
        t = self._step_count(state)
        grad = _apply_weight_decay(param, grad, group, group["decoupled_weight_decay"])
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.lerp_(grad, 1 - beta1)
        v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction2 = 1 - beta2 ** t
        m_hat = m / (1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2 ** t / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = bias_correction2 ** 0.5 / v.sqrt().add_(group["eps"])
            param.add_(m_hat * lr * adaptive_lr * rect, alpha=-1.0)
        else:
            param.add_(m_hat * lr, alpha=-1.0)
