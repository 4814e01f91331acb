"""torch.amp / torch.autocast / GradScaler as CPU-only torch behaves without CUDA.

Mixed-precision scripts (``scaler = torch.cuda.amp.GradScaler()``,
``with torch.autocast(device_type="cuda"):``) run unchanged: CUDA autocast and the CUDA scaler
disable themselves with torch's warnings, so training runs in full precision with the same
updates. CPU autocast (bfloat16 matmuls) is not available here and says so.
"""

from __future__ import annotations

import warnings


class autocast:  # noqa: N801 (torch's name)
    """torch.autocast(device_type, dtype=None, enabled=True): a no-op for 'cuda' (disabled with
    torch's warning, as without CUDA) and for enabled=False; CPU autocast is refused."""

    def __init__(self, device_type: str = "cuda", dtype=None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if enabled and device_type == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                          UserWarning, stacklevel=2)
        elif enabled:
            raise RuntimeError(f"autocast: mixed precision on '{device_type}' is not supported "
                               f"(this library computes in the tensors' own dtypes); pass "
                               f"enabled=False")
        self.device_type = device_type

    def __enter__(self) -> autocast:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def __call__(self, fn):
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """torch.is_autocast_enabled: always False here."""
    return False


class GradScaler:
    """torch.amp.GradScaler / torch.cuda.amp.GradScaler without CUDA: disabled, as torch
    disables it, so ``scaler.scale(loss).backward(); scaler.step(opt); scaler.update()`` is plain
    ``loss.backward(); opt.step()``."""

    def __init__(self, device: str = "cuda", init_scale: float = 2.0 ** 16,
                 growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        if enabled:
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  "
                          "Disabling.", UserWarning, stacklevel=2)

    def is_enabled(self) -> bool:
        """False: the scaler is always disabled here."""
        return False

    def scale(self, outputs):
        """The outputs unchanged (scale 1)."""
        return outputs

    def unscale_(self, optimizer) -> None:
        """Nothing to unscale."""

    def step(self, optimizer, *args, **kwargs):
        """optimizer.step(*args, **kwargs)."""
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None) -> None:
        """Nothing to update."""

    def get_scale(self) -> float:
        """1.0, as a disabled torch scaler reports."""
        return 1.0

    def state_dict(self) -> dict:
        """An empty dict, as a disabled torch scaler returns."""
        return {}

    def load_state_dict(self, state_dict: dict) -> None:
        """Accepts a scaler state (ignored: the scaler is disabled)."""
