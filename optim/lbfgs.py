"""L-BFGS with an optional strong-Wolfe line search (torch.optim.LBFGS).

All parameters are treated as one flat vector; the two-loop recursion builds the quasi-Newton
direction from the last ``history_size`` pairs (s = step, y = change of gradient). Scalars of the
algorithm (dot products, step lengths) are Python floats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import autograd
from autograd import Tensor

from .optimizer import Optimizer


def _cubic_minimum(x1: float, f1: float, g1: float, x2: float, f2: float, g2: float,
                   bounds: tuple[float, float] | None = None) -> float:
    """The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clipped to bounds;
    the midpoint of the bounds when the cubic has no real minimiser."""
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = d2_square ** 0.5
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, lo), hi)


def _strong_wolfe(evaluate: Callable[[float], tuple[float, Tensor]], t: float, d: Tensor,
                  f: float, g: Tensor, gtd: float, c1: float = 1e-4, c2: float = 0.9,
                  tolerance_change: float = 1e-9, max_ls: int = 25):
    """Find a step ``t`` along ``d`` meeting the strong Wolfe conditions: bracket, then zoom
    with cubic interpolation (Nocedal & Wright, algorithms 3.5 and 3.6, as torch does)."""
    d_norm = d.abs().max().item()
    f_new, g_new = evaluate(t)
    evals = 1
    gtd_new = g_new.dot(d).item()
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, b_f, b_g, b_gtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new], \
                [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, b_f, b_g, b_gtd = [t], [f_new], [g_new], [gtd_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, b_f, b_g, b_gtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new], \
                [gtd_prev, gtd_new]
            break
        # extrapolate: the minimum lies further along d
        low, high = t + 0.01 * (t - t_prev), t * 10
        t_prev, t = t, _cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, (low, high))
        f_prev, g_prev, gtd_prev = f_new, g_new, gtd_new
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = g_new.dot(d).item()
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, b_f, b_g, b_gtd = [0.0, t], [f, f_new], [g, g_new], [gtd, gtd_new]

    insufficient_progress = False
    low_pos, high_pos = (0, 1) if b_f[0] <= b_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_minimum(bracket[0], b_f[0], b_gtd[0], bracket[1], b_f[1], b_gtd[1])
        # keep the trial point away from the bracket's ends
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insufficient_progress or t >= max(bracket) or t <= min(bracket):
                t = (max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket))
                     else min(bracket) + eps)
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = g_new.dot(d).item()
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= b_f[low_pos]:
            bracket[high_pos], b_f[high_pos], b_g[high_pos], b_gtd[high_pos] = \
                t, f_new, g_new, gtd_new
            low_pos, high_pos = (0, 1) if b_f[0] <= b_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], b_f[high_pos], b_g[high_pos], b_gtd[high_pos] = \
                    bracket[low_pos], b_f[low_pos], b_g[low_pos], b_gtd[low_pos]
            bracket[low_pos], b_f[low_pos], b_g[low_pos], b_gtd[low_pos] = \
                t, f_new, g_new, gtd_new
    return b_f[low_pos], b_g[low_pos], bracket[low_pos], evals


class LBFGS(Optimizer):
    """Limited-memory BFGS; ``step(closure)`` runs up to ``max_iter`` iterations, each needing
    the closure to recompute the loss and gradients (torch.optim.LBFGS). One parameter group."""

    def __init__(self, params: Iterable, lr: float = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        if line_search_fn not in (None, "strong_wolfe"):
            raise ValueError(f"LBFGS: only 'strong_wolfe' is supported as line_search_fn, got "
                             f"{line_search_fn!r}")
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                                      tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change,
                                      history_size=history_size, line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, param_group: dict) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    def _flat_grad(self) -> Tensor:
        return autograd.cat([p.grad.reshape(-1) if p.grad is not None
                             else autograd.zeros(p.numel(), dtype=p.dtype)
                             for p in self._params])

    def _move(self, step: float, direction: Tensor) -> None:
        """params += step * direction, unflattening the direction."""
        offset = 0
        for p in self._params:
            n = p.numel()
            p.add_(direction[offset:offset + n].reshape(p.shape), alpha=step)
            offset += n

    def _evaluate_at(self, closure: Callable, start: list[Tensor], t: float,
                     d: Tensor) -> tuple[float, Tensor]:
        """Loss and flat gradient at ``start + t * d``; the parameters are put back after."""
        self._move(t, d)
        with autograd.enable_grad():
            loss = float(closure())
        grad = self._flat_grad()
        for p, value in zip(self._params, start):
            p.copy_(value)
        return loss, grad

    def step(self, closure: Callable) -> Tensor:  # type: ignore[override]
        """Run the iterations; returns the loss from the first closure call (as torch)."""
        if closure is None:
            raise RuntimeError("LBFGS.step requires a closure that recomputes the loss")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with autograd.enable_grad():
            first_loss = closure()
        loss = float(first_loss)
        evals = 1
        state["func_evals"] += 1
        with autograd.no_grad():
            flat_grad = self._flat_grad()
            if flat_grad.abs().max().item() <= tol_grad:
                return first_loss
            d, t = state.get("d"), state.get("t")
            old_dirs, old_stps = state.get("old_dirs"), state.get("old_stps")
            ro, H_diag = state.get("ro"), state.get("H_diag")
            prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")
            n_iter = 0
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1
                if state["n_iter"] == 1:
                    d = flat_grad.neg()
                    old_dirs, old_stps, ro, H_diag = [], [], [], 1.0
                else:
                    y = flat_grad.sub(prev_flat_grad)
                    s = d.mul(t)
                    ys = y.dot(s).item()
                    if ys > 1e-10:  # keep only pairs with positive curvature
                        if len(old_dirs) == history_size:
                            old_dirs.pop(0)
                            old_stps.pop(0)
                            ro.pop(0)
                        old_dirs.append(y)
                        old_stps.append(s)
                        ro.append(1.0 / ys)
                        H_diag = ys / y.dot(y).item()
                    al = state.setdefault("al", [None] * history_size)
                    q = flat_grad.neg()
                    for i in range(len(old_dirs) - 1, -1, -1):
                        al[i] = old_stps[i].dot(q).item() * ro[i]
                        q.add_(old_dirs[i], alpha=-al[i])
                    d = r = q.mul(H_diag)
                    for i in range(len(old_dirs)):
                        be_i = old_dirs[i].dot(r).item() * ro[i]
                        r.add_(old_stps[i], alpha=al[i] - be_i)
                prev_flat_grad = flat_grad.clone()
                prev_loss = loss
                if state["n_iter"] == 1:
                    t = min(1.0, 1.0 / flat_grad.abs().sum().item()) * lr
                else:
                    t = lr
                gtd = flat_grad.dot(d).item()
                if gtd > -tol_change:  # not a descent direction
                    break
                ls_evals = 0
                if group["line_search_fn"] is not None:
                    start = [p.clone() for p in self._params]
                    loss, flat_grad, t, ls_evals = _strong_wolfe(
                        lambda step: self._evaluate_at(closure, start, step, d), t, d, loss,
                        flat_grad, gtd, max_ls=max_eval - evals)
                    self._move(t, d)
                    converged = flat_grad.abs().max().item() <= tol_grad
                else:
                    self._move(t, d)
                    converged = False
                    if n_iter != max_iter:
                        with autograd.enable_grad():
                            loss = float(closure())
                        flat_grad = self._flat_grad()
                        converged = flat_grad.abs().max().item() <= tol_grad
                        ls_evals = 1
                evals += ls_evals
                state["func_evals"] += ls_evals
                if (n_iter == max_iter or evals >= max_eval or converged
                        or d.mul(t).abs().max().item() <= tol_change
                        or abs(loss - prev_loss) < tol_change):
                    break
            state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
                         prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return first_loss
