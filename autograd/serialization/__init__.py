"""Safe load/save (torch.serialization): PyTorch's .pt zip format both ways without torch, this
project's older pickle-free format, safetensors and .npz; the weights-only allow-list."""

from .allowlist import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from .api import get_unsafe_globals_in_checkpoint, load, save
from .errors import LoadError, WeightsOnlyError
from .native import save_native
from .safetensors import load_safetensors, safetensors_metadata, save_safetensors

__all__ = ["LoadError", "WeightsOnlyError", "add_safe_globals",
           "clear_safe_globals", "get_safe_globals", "get_unsafe_globals_in_checkpoint", "load",
           "load_safetensors", "safe_globals", "safetensors_metadata", "save", "save_native",
           "save_safetensors"]
