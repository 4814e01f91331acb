"""Tensor printing laid out like torch's: padded columns, integer/fixed/scientific modes chosen
from the values, summarised with '...' past ``threshold`` elements (torch.set_printoptions)."""

from __future__ import annotations

import math

import numpy as np

from . import dtypes

_DEFAULTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80}
_PROFILES = {"default": _DEFAULTS, "short": dict(_DEFAULTS, precision=2, edgeitems=2),
             "full": dict(_DEFAULTS, threshold=math.inf)}
PRINT_OPTS = dict(_DEFAULTS, sci_mode=None)


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """torch.set_printoptions: digits, summarisation threshold and edge items, line width, a
    profile ('default', 'short', 'full') and forced scientific notation (None: automatic)."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r} "
                             f"(expected one of {sorted(_PROFILES)})")
        PRINT_OPTS.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            PRINT_OPTS[name] = value
    PRINT_OPTS["sci_mode"] = sci_mode


class _Formatter:
    """One width and one notation for every element, decided from the values shown."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        precision = PRINT_OPTS["precision"]
        flat = values.reshape(-1)
        nonzero = np.zeros(0)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(str(v)))
        else:
            nonzero = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
            if nonzero.size:
                magnitude = np.abs(nonzero)
                lo, hi = magnitude.min(), magnitude.max()
                self.int_mode = bool(np.all(nonzero == np.ceil(nonzero)))
                self.sci_mode = bool(hi / lo > 1000.0 or hi > 1.0e8
                                     or (not self.int_mode and lo < 1.0e-4))
        if PRINT_OPTS["sci_mode"] is not None:
            self.sci_mode = PRINT_OPTS["sci_mode"]
        if nonzero.size:
            if self.sci_mode:
                texts = [f"{v:.{precision}e}" for v in nonzero.tolist()]
            elif self.int_mode:
                texts = [f"{v:.0f}." for v in nonzero.tolist()]
            else:
                texts = [f"{v:.{precision}f}" for v in nonzero.tolist()]
            self.max_width = max(len(t) for t in texts)

    def width(self) -> int:
        return self.max_width

    def format(self, value) -> str:
        precision = PRINT_OPTS["precision"]
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{precision}f}"
        return " " * (self.max_width - len(text)) + text


def _summarized(values: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows (edge items of every dim), for the formatter."""
    edge = PRINT_OPTS["edgeitems"]
    if values.ndim == 0:
        return values
    if values.ndim == 1:
        return np.concatenate([values[:edge], values[-edge:]]) if len(values) > 2 * edge \
            else values
    if not edge:
        return np.zeros([0] * values.ndim, values.dtype)
    rows = list(range(edge)) + list(range(len(values) - edge, len(values))) \
        if len(values) > 2 * edge else range(len(values))
    return np.stack([_summarized(values[i]) for i in rows])


def _vector(values: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    edge = PRINT_OPTS["edgeitems"]
    per_line = max(1, int(math.floor((PRINT_OPTS["linewidth"] - indent) / (fmt.width() + 2))))
    if summarize and not edge:
        items = ["..."]
    elif summarize and len(values) > 2 * edge:
        items = ([fmt.format(v) for v in values[:edge].tolist()] + [" ..."]
                 + [fmt.format(v) for v in values[-edge:].tolist()])
    else:
        items = [fmt.format(v) for v in values.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(values: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if values.ndim == 0:
        return fmt.format(values.item())
    if values.ndim == 1:
        return _vector(values, indent, summarize, fmt)
    edge = PRINT_OPTS["edgeitems"]
    if summarize and len(values) > 2 * edge:
        parts = ([_nested(values[i], indent + 1, summarize, fmt) for i in range(edge)] + ["..."]
                 + [_nested(values[i], indent + 1, summarize, fmt)
                    for i in range(len(values) - edge, len(values))])
    else:
        parts = [_nested(v, indent + 1, summarize, fmt) for v in values]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def format_tensor(t) -> str:
    """The repr of a Tensor, laid out as torch prints it (dtype shown as ``autograd.<name>``)."""
    values = t._data
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    default = (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool_)
    if values.size == 0:
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        if values.dtype != dtypes.get_default_dtype():
            suffixes.append(f"dtype={dtypes.wrap(values.dtype)}")
        body = "[]"
    else:
        if values.dtype not in default:
            suffixes.append(f"dtype={dtypes.wrap(values.dtype)}")
        narrow = values.dtype.itemsize < 4 and dtypes.is_floating(values.dtype)
        shown = values.astype(np.float32) if narrow else values  # float16, bfloat16, float8
        summarize = values.size > PRINT_OPTS["threshold"]
        fmt = _Formatter(_summarized(shown) if summarize else shown)
        body = _nested(shown, indent, summarize, fmt)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    text = prefix + body
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > PRINT_OPTS["linewidth"]:
            text += ",\n" + " " * indent + suffix
            last_line = indent + len(suffix)
        else:
            text += ", " + suffix
            last_line += len(suffix) + 2
    return text + ")"
