"""The five workloads as a plain PyTorch training step, written once for any library with
PyTorch's API: run with (torch, torch.nn, torch.optim) it is the PyTorch line, with
(autograd, nn, optim) it is this project's line.

Each builder returns ``(step, state)``: ``step()`` runs one training step and returns the loss as
a library tensor; ``state()`` returns the arrays the cross-library check compares.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .common import LR, chain_kinds, make_workload

# names each workload needs from the library (checked before building, so a missing layer gives
# a clear "skipped" line instead of a crash while the project is being written)
REQUIRES = {
    "mlp": ["nn.Module", "nn.Linear", "F.relu", "F.cross_entropy", "optim.SGD"],
    "lenet": ["nn.Module", "nn.Linear", "nn.Conv2d", "F.relu", "F.max_pool2d",
              "F.cross_entropy", "optim.SGD"],
    "lstm": ["nn.Module", "nn.Linear", "nn.LSTM", "F.mse_loss", "optim.SGD"],
    "attn": ["nn.TransformerEncoderLayer", "F.mse_loss", "optim.SGD"],
    "chain": ["L.tanh", "L.from_numpy"],
}


def library(name: str) -> SimpleNamespace:
    """The (L, nn, F, optim) namespace of ``torch`` or of this project (``ours``)."""
    if name == "torch":
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim as optim

        return SimpleNamespace(name="torch", L=torch, nn=nn, F=F, optim=optim,
                               version=torch.__version__)
    if name == "ours":
        import autograd
        import nn

        F = nn.functional
        try:
            import optim
        except ImportError:
            optim = None
        return SimpleNamespace(name="ours", L=autograd, nn=nn, F=F, optim=optim, version="0.1.0")
    raise ValueError(f"unknown library {name!r}")


def missing_names(lib: SimpleNamespace, workload: str) -> list:
    """The names ``workload`` needs that ``lib`` does not provide yet."""
    out = []
    for dotted in REQUIRES[workload]:
        head, attr = dotted.split(".")
        obj = getattr(lib, head)
        if obj is None or not hasattr(obj, attr):
            out.append(dotted)
    return out


def _tensor(lib, array: np.ndarray):
    return lib.L.from_numpy(np.array(array, copy=True))


def build(lib: SimpleNamespace, workload: str):
    """``(step, state)`` for ``workload`` in library ``lib``."""
    params, data = make_workload(workload)
    if workload == "chain":
        return _chain(lib, data)
    nn, F = lib.nn, lib.F
    if workload == "mlp":
        model = _mlp(nn, F)
    elif workload == "lenet":
        model = _lenet(nn, F)
    elif workload == "lstm":
        model = _lstm(nn)
    else:
        model = nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=512, dropout=0.0,
                                           activation="relu", batch_first=True, norm_first=False)
    model.load_state_dict({k: _tensor(lib, v) for k, v in params.items()})
    inputs = {k: _tensor(lib, v) for k, v in data.items()}
    opt = lib.optim.SGD(model.parameters(), lr=LR)
    if workload in ("mlp", "lenet"):
        x, y = inputs["x"], inputs["y"]

        def loss_fn():
            return F.cross_entropy(model(x), y)
    elif workload == "lstm":
        x, target = inputs["x"], inputs["target"]

        def loss_fn():
            return F.mse_loss(model(x), target)
    else:
        x, target = inputs["x"], inputs["target"]

        def loss_fn():
            return F.mse_loss(model(x), target)

    def step():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss

    step.clear = opt.zero_grad      # lets the memory pass start from a state without gradients

    def state() -> dict:
        return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}

    return step, state


def _mlp(nn, F):
    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 256)
            self.fc2 = nn.Linear(256, 128)
            self.fc3 = nn.Linear(128, 10)

        def forward(self, x):
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    return MLP()


def _lenet(nn, F):
    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(400, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.flatten(1)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    return LeNet()


def _lstm(nn):
    class Recurrent(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(64, 128)
            self.readout = nn.Linear(128, 10)

        def forward(self, x):
            _, (h, _) = self.lstm(x)
            return self.readout(h[-1])

    return Recurrent()


def _chain(lib, data: dict):
    L = lib.L
    x0 = _tensor(lib, data["x0"]).requires_grad_(True)
    kinds = chain_kinds()
    tanh = L.tanh

    def step():
        x0.grad = None
        x = x0
        for k in kinds:
            if k == 0:
                x = x * 1.0001
            elif k == 1:
                x = x + 0.0001
            else:
                x = tanh(x)
        loss = x.sum()
        loss.backward()
        return loss

    def clear():
        x0.grad = None

    step.clear = clear

    def state() -> dict:
        return {"x0.grad": x0.grad.detach().numpy().copy()}

    return step, state
