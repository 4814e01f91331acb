"""The contract verbatim: a torch script's text with only its import lines swapped runs, and
prints the same thing (numbers to float32 tolerance, 'torch.' read as 'autograd.')."""

import contextlib
import io
import re

import numpy as np

from tests.helpers.torch_ref import need_torch

TORCH_IMPORTS = """import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset
"""

SWAPPED_IMPORTS = """import autograd as torch
import nn
import nn.functional as F
import optim
from autograd.utils.data import DataLoader, TensorDataset
"""

SCRIPT = """
import numpy as np

torch.manual_seed(0)
rng = np.random.default_rng(0)
X = torch.from_numpy(rng.normal(size=(48, 4)).astype(np.float32))
y = torch.from_numpy((rng.normal(size=48) > 0).astype(np.int64))
loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=False)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


model = Net()
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.linspace(-0.5, 0.5, p.numel()).view(p.shape) * (i + 1) / 4)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.01)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
for epoch in range(4):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item()
    scheduler.step()
    model.eval()
    with torch.no_grad():
        outputs = model(X)
        _, predicted = torch.max(outputs, 1)
        acc = (predicted == y).sum().item() / y.size(0)
    print(f"epoch {epoch + 1}: loss {total / len(loader):.4f} acc {acc:.3f} "
          f"lr {scheduler.get_last_lr()[0]:.5f}")
print("shape:", outputs.shape, "dtype ok:", outputs.dtype == torch.float32)
print("probs:", torch.softmax(outputs[:2], dim=1))
"""

_NUMBER = re.compile(r"-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+")


def _run(source: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<script>", "exec"), {"__name__": "__main__"})
    return out.getvalue()


def _same_output(ref: str, ours: str) -> None:
    ref = ref.replace("torch.", "autograd.")
    ref_lines, our_lines = ref.splitlines(), ours.splitlines()
    assert len(ref_lines) == len(our_lines), (ref, ours)
    for r, o in zip(ref_lines, our_lines):
        assert _NUMBER.sub("#", r) == _NUMBER.sub("#", o), (r, o)
        r_nums = [float(v) for v in _NUMBER.findall(r)]
        o_nums = [float(v) for v in _NUMBER.findall(o)]
        np.testing.assert_allclose(o_nums, r_nums, rtol=1e-3, atol=2e-3, err_msg=f"{r}\n{o}")


def test_swapped_imports_print_the_same():
    need_torch()
    ref = _run(TORCH_IMPORTS + SCRIPT)
    ours = _run(SWAPPED_IMPORTS + SCRIPT)
    assert "epoch 4" in ours
    _same_output(ref, ours)
