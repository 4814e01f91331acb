"""Scripts written for GPUs with mixed precision, compile and TF32 switches run on the CPU path
exactly as CPU-only torch runs them."""

import pytest

from tests.compat.harness import run_compat
from tests.helpers.torch_ref import need_torch


@pytest.mark.filterwarnings("ignore:.*CUDA is not available")
@pytest.mark.filterwarnings("ignore:.*is deprecated")
def test_amp_training_loop_without_cuda(tmp_path, monkeypatch):
    torch = need_torch()
    # torch.compile really compiles (tens of seconds); eager torch gives the same numbers
    monkeypatch.setattr(torch, "compile",
                        lambda model=None, **options: model if model is not None else (lambda f: f))
    run_compat("""
rng = np.random.default_rng(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
use_amp = True
torch.backends.cuda.matmul.allow_tf32 = True
torch.backends.cudnn.allow_tf32 = True
torch.set_float32_matmul_precision("high")
record("precision", torch.get_float32_matmul_precision())
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
sync(model)
model = torch.compile(model)
optimizer = optim.AdamW(model.parameters(), lr=1e-2)
scaler = torch.cuda.amp.GradScaler(enabled=use_amp)
scaler2 = torch.amp.GradScaler("cuda")
record("enabled", (scaler.is_enabled(), scaler2.is_enabled(), scaler.get_scale()))
X = torch.from_numpy(rng.normal(size=(10, 6)).astype(np.float32)).to(device)
y = torch.from_numpy(rng.integers(0, 3, size=10)).to(device)
for step in range(3):
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device_type="cuda", dtype=torch.float16, enabled=use_amp):
        loss = F.cross_entropy(model(X), y)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    scaler.step(optimizer)
    scaler.update()
    record("loss", loss.item())
    record("loss_dtype", loss.dtype == torch.float32)
with torch.cuda.amp.autocast():
    record("old_spelling", model(X).dtype == torch.float32)
with torch.autocast(device_type="cpu", enabled=False):
    record("cpu_disabled", model(X))
record("autocast_enabled", torch.is_autocast_enabled())
record("scaler_state", scaler.state_dict())
torch.use_deterministic_algorithms(True)
record("deterministic", torch.are_deterministic_algorithms_enabled())
torch.use_deterministic_algorithms(False)

@torch.compile
def fused(a, b):
    return a * b + 1

@torch.compile(mode="reduce-overhead")
def fused2(a):
    return a.relu()

record("compiled_fns", (fused(X, X)[0], fused2(X)[0]))
""", tmp_path)


def test_cpu_autocast_is_refused_with_a_clear_error():
    import autograd

    with pytest.raises(RuntimeError, match="mixed precision on 'cpu' is not supported"):
        autograd.autocast(device_type="cpu", dtype=autograd.float16)
