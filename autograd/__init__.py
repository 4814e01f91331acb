"""autograd: a reverse-mode automatic differentiation engine over numpy, with PyTorch's API."""

import sys as _sys

from . import dtypes
from .dtypes import (bfloat16, bool_ as bool, cdouble, cfloat, complex64, complex128, double, dtype,
                     float, float8_e4m3fn, float8_e4m3fnuz, float8_e5m2, float8_e5m2fnuz,
                     float8_e8m0fnu, float16, float32, float64, get_default_dtype, half, int, int8,
                     int16, int32, int64, long, set_default_dtype, short, uint8, uint16, uint32,
                     uint64)
from .tensor import Tensor, device
from .function import Function, once_differentiable
from . import function
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                        no_grad, set_grad_enabled)
from .engine import backward, grad
from . import ops
from .ops import *  # noqa: F403  (every op module's __all__: add, cat, sum, ...)
from .creation import (arange, as_tensor, bernoulli, empty, empty_like, empty_strided, eye,
                       from_numpy, frombuffer, full,
                       full_like, linspace, logspace, multinomial, normal, ones, ones_like, rand,
                       rand_like, randint, randint_like, randn, randn_like, randperm, tensor,
                       zeros, zeros_like)
from .random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed,
                     set_rng_state)


# `import autograd as torch` scripts reach `torch.autograd.grad`, `torch.autograd.Function`, ...
autograd = _sys.modules[__name__]
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from . import linalg
from . import utils
from . import functional
from .serialization import load, save
from . import debug, viz
from .debug import (detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled,
                    set_detect_anomaly)
from .viz import draw_graph, print_graph
from . import backends, cuda
from .queries import (is_conj, is_floating_point, is_inference, is_neg, is_nonzero, is_tensor,
                      numel, resolve_conj, resolve_neg)
from .distance import cdist
from .variable import Variable
from .constants import __version__, e, inf, nan, pi
from .type_info import finfo, iinfo
from .threads import get_num_threads, set_num_threads
from .legacy_types import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor,
                           HalfTensor, IntTensor, LongTensor, ShortTensor)


def __getattr__(name: str):
    """`torch.nn`, `torch.optim` in `import autograd as torch` scripts: the sibling packages,
    imported on first use (they import autograd, so autograd cannot import them eagerly)."""
    if name in ("nn", "optim"):
        import importlib

        return importlib.import_module(name)
    raise AttributeError(f"module 'autograd' has no attribute '{name}'")
from .printing import set_printoptions
from . import distributions
from .dtypes import promote_types, public_result_type as result_type
from .queries import is_complex
from . import amp
from .amp import autocast, is_autocast_enabled
from .settings import (are_deterministic_algorithms_enabled, compile, get_deterministic_debug_mode,
                       get_float32_matmul_precision,
                       is_deterministic_algorithms_warn_only_enabled,
                       set_deterministic_debug_mode, set_float32_matmul_precision,
                       use_deterministic_algorithms)
from .size import Size
from . import special, testing
from .layout import (channels_last, channels_last_3d, contiguous_format, layout, memory_format,
                     preserve_format, strided)
from .runtime import (get_default_device, get_num_interop_threads, is_warn_always_enabled,
                      set_default_device, set_default_tensor_type, set_flush_denormal,
                      set_num_interop_threads, set_warn_always)
from .devices import accelerator, cpu, get_device, mps, xpu
from .amp import GradScaler
