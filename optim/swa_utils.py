"""Stochastic weight averaging (torch.optim.swa_utils): AveragedModel keeps a running average
(or EMA) of a model's parameters, SWALR anneals to a constant SWA learning rate, update_bn
recomputes BatchNorm statistics for the averaged weights."""

from __future__ import annotations

import copy
import math

import autograd
import nn

from .lr_scheduler import LRScheduler
from .optimizer import Optimizer


def get_ema_avg_fn(decay: float = 0.999):
    """``avg_fn`` for an exponential moving average (torch.optim.swa_utils.get_ema_avg_fn)."""

    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn():
    """``avg_fn`` for the equal-weight running mean (torch.optim.swa_utils.get_swa_avg_fn)."""

    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


def get_ema_multi_avg_fn(decay: float = 0.999):
    """``multi_avg_fn`` updating lists of EMA parameters in place
    (torch.optim.swa_utils.get_ema_multi_avg_fn)."""

    def ema_update(ema_params, current_params, num_averaged):
        for ema, current in zip(ema_params, current_params):
            ema.copy_(ema * decay + current * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn():
    """``multi_avg_fn`` updating lists of running means in place
    (torch.optim.swa_utils.get_swa_multi_avg_fn)."""

    def swa_update(averaged_params, current_params, num_averaged):
        n = float(num_averaged) if not isinstance(num_averaged, autograd.Tensor) \
            else num_averaged.item()
        for averaged, current in zip(averaged_params, current_params):
            averaged.copy_(averaged + (current - averaged) / (n + 1))

    return swa_update


class AveragedModel(nn.Module):
    """A copy of ``model`` whose parameters are averaged over ``update_parameters`` calls
    (torch.optim.swa_utils.AveragedModel); the default is the equal-weight SWA mean."""

    def __init__(self, model: nn.Module, device=None, avg_fn=None, multi_avg_fn=None,
                 use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        self.register_buffer("n_averaged", autograd.tensor(0, dtype=autograd.long))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _tensors(self, model: nn.Module) -> list:
        if self.use_buffers:
            return list(model.parameters()) + list(model.buffers())
        return list(model.parameters())

    def update_parameters(self, model: nn.Module) -> None:
        """Fold ``model``'s current parameters into the average (the first call copies them)."""
        averaged = self._tensors(self.module)
        current = [t.detach() for t in self._tensors(model)]
        with autograd.no_grad():
            if int(self.n_averaged.item()) == 0:
                for a, c in zip(averaged, current):
                    a.copy_(c)
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn(averaged, current, self.n_averaged)
            else:
                # integer buffers (num_batches_tracked) go through avg_fn too, truncated on
                # the copy back, as in torch
                avg_fn = self.avg_fn or get_swa_avg_fn()
                for a, c in zip(averaged, current):
                    a.copy_(avg_fn(a.detach(), c, self.n_averaged))
            if not self.use_buffers:
                # buffers are not averaged: they follow the model (update_bn recomputes BN stats)
                for a, c in zip(self.module.buffers(), model.buffers()):
                    a.copy_(c.detach())
            self.n_averaged.add_(1)


def update_bn(loader, model: nn.Module, device=None) -> None:
    """Recompute every BatchNorm's running statistics with one pass over ``loader``
    (cumulative average) (torch.optim.swa_utils.update_bn)."""
    from nn.layers.normalization import _BatchNorm

    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with autograd.no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's rate from its current value to ``swa_lr`` over ``anneal_epochs``
    steps (cosine or linear), then hold it (torch.optim.swa_utils.SWALR)."""

    def __init__(self, optimizer: Optimizer, swa_lr, anneal_epochs: int = 10,
                 anneal_strategy: str = "cos", last_epoch: int = -1) -> None:
        swa_lrs = list(swa_lr) if isinstance(swa_lr, (list, tuple)) \
            else [swa_lr] * len(optimizer.param_groups)
        if len(swa_lrs) != len(optimizer.param_groups):
            raise ValueError(f"swa_lr must have the same length as optimizer.param_groups: "
                             f"swa_lr has {len(swa_lrs)}, optimizer.param_groups has "
                             f"{len(optimizer.param_groups)}")
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must by one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs}")
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" \
            else self._linear_anneal
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_t = max(0.0, min(1.0, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        t = max(0.0, min(1.0, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [group["swa_lr"] * alpha + lr * (1 - alpha)
                for group, lr in zip(self.optimizer.param_groups, prev_lrs)]


__all__ = ["AveragedModel", "SWALR", "update_bn", "get_ema_avg_fn", "get_swa_avg_fn",
           "get_ema_multi_avg_fn", "get_swa_multi_avg_fn"]
