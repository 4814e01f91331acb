"""autograd: a reverse-mode automatic differentiation engine over numpy, with PyTorch's API.

The core is tensor.py, function.py, engine.py and grad_mode.py; ops/ holds the primitives and
composite/ what is written from them; diagnostics/ (autograd.debug, autograd.viz), distributions/,
utils/, serialization and compat/ (PyTorch's namespaces on a CPU-only library) sit around it.
This file only re-exports.
"""

import sys as _sys

from . import (
    composite,
    diagnostics,
    distributions,
    dtypes,
    function,
    functional,
    linalg,
    ops,
    serialization,
    special,
    utils,
)
from .compat import amp, backends, cuda, testing
from .compat.amp import GradScaler, autocast, is_autocast_enabled
from .compat.constants import __version__, e, inf, nan, pi
from .compat.devices import accelerator, cpu, get_device, mps, xpu
from .compat.layout import (
    channels_last,
    channels_last_3d,
    contiguous_format,
    layout,
    memory_format,
    preserve_format,
    strided,
)
from .compat.legacy_types import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from .compat.queries import (
    is_complex,
    is_conj,
    is_floating_point,
    is_inference,
    is_neg,
    is_nonzero,
    is_tensor,
    numel,
    resolve_conj,
    resolve_neg,
)
from .compat.size import Size
from .compat.switches import (
    are_deterministic_algorithms_enabled,
    compile,
    get_default_device,
    get_deterministic_debug_mode,
    get_float32_matmul_precision,
    get_num_interop_threads,
    get_num_threads,
    is_deterministic_algorithms_warn_only_enabled,
    is_warn_always_enabled,
    set_default_device,
    set_default_tensor_type,
    set_deterministic_debug_mode,
    set_float32_matmul_precision,
    set_flush_denormal,
    set_num_interop_threads,
    set_num_threads,
    set_warn_always,
    use_deterministic_algorithms,
)
from .compat.type_info import finfo, iinfo
from .compat.variable import Variable
from .composite import *  # noqa: F403  (diff, gradient, isin, windows, ...)
from .creation import (
    arange,
    as_tensor,
    bernoulli,
    empty,
    empty_like,
    empty_strided,
    eye,
    from_numpy,
    frombuffer,
    full,
    full_like,
    linspace,
    logspace,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .diagnostics import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
    viz,
)
from .diagnostics.viz import draw_graph, print_graph
from .dtypes import (
    bfloat16,
    cdouble,
    cfloat,
    complex64,
    complex128,
    double,
    dtype,
    float,
    float8_e4m3fn,
    float8_e4m3fnuz,
    float8_e5m2,
    float8_e5m2fnuz,
    float8_e8m0fnu,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    set_default_dtype,
    short,
    uint8,
    uint16,
    uint32,
    uint64,
)
from .dtypes import bool_ as bool
from .dtypes import public_result_type as result_type
from .engine import backward, grad
from .function import Function, once_differentiable
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .ops import *  # noqa: F403  (every op module's __all__: add, cat, sum, ...)
from .printing import set_printoptions
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .serialization import load, load_safetensors, save, save_safetensors
from .tensor import Tensor, device

# `import autograd as torch` scripts reach `torch.autograd.grad`, `torch.autograd.Function`, ...
autograd = _sys.modules[__name__]
debug = diagnostics

# PyTorch's module paths (`import torch.cuda`, `from torch.amp import autocast`) reach the
# stand-ins; `autograd.debug` and `autograd.viz` are the diagnostics package and its drawing part.
for _name, _module in {"amp": amp, "backends": backends, "cuda": cuda, "testing": testing,
                       "debug": diagnostics, "viz": viz}.items():
    _sys.modules[f"{__name__}.{_name}"] = _module


def __getattr__(name: str):
    """`torch.nn`, `torch.optim` and torch's spellings of nn.functional ops (`torch.conv2d`,
    `torch.dropout`, ...) in `import autograd as torch` scripts: resolved on first use from the
    sibling packages (they import autograd, so autograd cannot import them eagerly)."""
    import importlib

    if name in ("nn", "optim"):
        return importlib.import_module(name)
    missing = AttributeError(f"module 'autograd' has no attribute '{name}'")
    if name.startswith("__"):  # protocol probes (pickle, inspect, copy) never mean a torch op
        raise missing
    try:
        spellings = importlib.import_module("nn.functional.torch_spellings")
    except ImportError:  # nn itself still importing, or absent: a plain missing attribute
        raise missing from None
    if name in spellings.__all__:
        return getattr(spellings, name)
    raise missing
