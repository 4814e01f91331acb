"""Device namespaces device-agnostic scripts query (torch.accelerator, torch.cpu, torch.xpu,
torch.mps): the CPU is the only device here, and no accelerator is ever available."""

from __future__ import annotations

from types import SimpleNamespace


def _no_device_namespace(name: str) -> SimpleNamespace:
    def is_available() -> bool:
        return False

    def device_count() -> int:
        return 0

    def synchronize(device=None) -> None:
        return None

    def manual_seed(seed: int) -> None:
        int(seed)

    is_available.__doc__ = f"torch.{name}.is_available: always False (CPU only)."
    device_count.__doc__ = f"torch.{name}.device_count: no {name} devices."
    synchronize.__doc__ = f"torch.{name}.synchronize: nothing runs asynchronously here."
    manual_seed.__doc__ = f"torch.{name}.manual_seed: nothing to seed (a no-op)."
    return SimpleNamespace(is_available=is_available, device_count=device_count,
                           synchronize=synchronize, manual_seed=manual_seed,
                           manual_seed_all=manual_seed, empty_cache=synchronize)


def _current_accelerator(check_available: bool = False):
    """torch.accelerator.current_accelerator: None, there is no accelerator."""
    return None


def _memory_allocated(device_index=None) -> int:
    return 0


accelerator = SimpleNamespace(
    is_available=lambda: False, device_count=lambda: 0,
    current_accelerator=_current_accelerator, synchronize=lambda device=None: None,
    empty_cache=lambda: None, memory_allocated=_memory_allocated,
    max_memory_allocated=_memory_allocated)
xpu = _no_device_namespace("xpu")
mps = _no_device_namespace("mps")


def _cpu_current_device() -> str:
    return "cpu"


cpu = SimpleNamespace(is_available=lambda: True, device_count=lambda: 1,
                      current_device=_cpu_current_device, synchronize=lambda device=None: None,
                      set_device=lambda device: None, is_initialized=lambda: True)


def get_device(input) -> int:
    """-1: the index torch gives CPU tensors (torch.get_device)."""
    return -1


__all__ = ["accelerator", "cpu", "xpu", "mps", "get_device"]
