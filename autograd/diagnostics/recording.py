"""Recording what the forward pass did, op by op, for anomaly detection, graph drawing and audits.

While ``detect_anomaly()`` or ``record()`` is active, ``Function.apply`` delegates to ``_on_apply``
here (through ``function._apply_hook``), which runs the op and attaches a ``NodeRecord`` to the new
graph node: where it was created (the user's source line), which module was running (forward-hook
scopes), the output's shape, dtype, small values and NaN/Inf counts, and, under ``record()``, the
arguments (so ``audit_graph`` can re-run the op). Nothing here is imported by the hot path.
"""

from __future__ import annotations

import linecache
import os
import sys
import weakref
from dataclasses import dataclass, field

import numpy as np

from .. import engine, function
from ..tensor import Tensor

# Outputs with at most this many elements keep a copy of their values for drawing.
VALUE_LIMIT = 64
_STACK_DEPTH = 40

_AUTOGRAD_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_ROOT = os.path.dirname(os.path.dirname(_AUTOGRAD_DIR))
_LIBRARY_DIRS = tuple(os.path.join(_ROOT, name) + os.sep for name in ("autograd", "nn", "optim"))


@dataclass
class OutputInfo:
    """Shape, dtype, non-finite counts and (for small tensors) values of one op output."""

    shape: tuple
    dtype: np.dtype
    n_nan: int
    n_posinf: int
    n_neginf: int
    value: np.ndarray | None

    @property
    def finite(self) -> bool:
        return not (self.n_nan or self.n_posinf or self.n_neginf)

    def nonfinite_text(self) -> str:
        parts = [f"{n} {kind}" for n, kind in ((self.n_nan, "nan"), (self.n_posinf, "+inf"),
                                              (self.n_neginf, "-inf")) if n]
        return ", ".join(parts)


@dataclass
class NodeRecord:
    """What was recorded about one graph node when its op ran forward."""

    seq: int
    op: str
    frames: tuple                    # (filename, lineno, function) innermost first
    scope: tuple                     # module paths, outermost first
    outputs: list
    constants: list                  # (arg position, description) of non-grad arguments
    leaf_names: dict                 # arg position -> parameter name of a leaf input
    args: tuple | None = None        # the call's arguments (record(keep_args=True) only)
    arg_versions: tuple | None = None
    consumers: list = field(default_factory=list)   # weakrefs to nodes that used our output
    masked: list = field(default_factory=list)      # (arg position, count) hidden by a where
    grad_norms: list | None = None                  # gradient norm per output (record())
    nan_origin: bool = False
    node: object = None                             # weakref to the node itself

    @property
    def user_frame(self):
        """The innermost frame outside autograd/, nn/ and optim/: the user's line."""
        for frame in self.frames:
            if not frame[0].startswith(_LIBRARY_DIRS):
                return frame
        return self.frames[-1] if self.frames else None

    @property
    def call_site(self):
        """The innermost frame outside autograd/ (a layer's line, or the user's)."""
        for frame in self.frames:
            if not frame[0].startswith(_AUTOGRAD_DIR):
                return frame
        return None

    def where(self) -> str:
        """``file:line in function`` plus the source line, for messages; when the op was made
        inside a layer (nn/), that layer's line follows."""
        frame = self.user_frame
        if frame is None:
            return "<unknown location>"
        text = format_frame(frame)
        inner = self.call_site
        if inner is not None and inner != frame:
            text += "\n  inside " + format_frame(inner).replace("\n", "\n  ")
        return text

    def site(self) -> str:
        """``file:line`` of the user's line (short form, for tables and drawings)."""
        frame = self.user_frame
        return f"{_short_path(frame[0])}:{frame[1]}" if frame is not None else "?"

    def traceback_text(self) -> str:
        """The forward call stack that created the node, outermost first (like a traceback)."""
        return "\n".join("  " + format_frame(f) for f in reversed(self.frames))


def _short_path(filename: str) -> str:
    cwd = os.getcwd() + os.sep
    return filename[len(cwd):] if filename.startswith(cwd) else filename


def format_frame(frame) -> str:
    """``file:line in function`` and, indented below, the source line."""
    filename, lineno, name = frame
    line = linecache.getline(filename, lineno).strip()
    text = f"{_short_path(filename)}:{lineno} in {name}"
    return f"{text}\n    {line}" if line else text


def record_of(node) -> NodeRecord | None:
    """The NodeRecord attached to a graph node, or None when it was not recorded."""
    return getattr(node, "_record", None) if node is not None else None


# ---------------------------------------------------------------- global recording state
class _State:
    def __init__(self) -> None:
        self.anomaly = False
        self.check_nan = True
        self.recorders: list = []      # active record() contexts, innermost last
        self.scope: list = []          # module paths entered by forward pre-hooks
        self.seq = 0


STATE = _State()


def _refresh() -> None:
    """Install or remove the core hooks according to what is active."""
    active = STATE.anomaly or bool(STATE.recorders)
    function._apply_hook = _on_apply if active else None
    engine._backward_hook = _on_backward if STATE.anomaly else None


def set_anomaly(enabled: bool, check_nan: bool = True) -> None:
    STATE.anomaly = bool(enabled)
    STATE.check_nan = bool(check_nan)
    _refresh()


class AnomalyError(RuntimeError):
    """Raised in anomaly mode when an op produces NaN/Inf (RuntimeError, like torch)."""


# ---------------------------------------------------------------- forward
def _frames() -> tuple:
    frame = sys._getframe(2)
    out = []
    while frame is not None and len(out) < _STACK_DEPTH:
        code = frame.f_code
        out.append((code.co_filename, frame.f_lineno, code.co_name))
        frame = frame.f_back
    return tuple(out)


def _output_info(t: Tensor) -> OutputInfo:
    data = t._data
    n_nan = n_pos = n_neg = 0
    if data.dtype.kind in "fc" and data.size and not np.isfinite(data).all():
        n_nan = int(np.isnan(data).sum())
        n_pos = int(np.isposinf(data).sum())
        n_neg = int(np.isneginf(data).sum())
    value = data.copy() if data.size <= VALUE_LIMIT else None
    return OutputInfo(tuple(data.shape), data.dtype, n_nan, n_pos, n_neg, value)


def _describe_constant(arg):
    if isinstance(arg, Tensor):
        data = arg._data
        value = data.copy() if data.size <= VALUE_LIMIT else None
        return ("tensor", tuple(data.shape), data.dtype, value)
    return ("scalar", arg)


def _on_apply(cls, args):
    function._apply_hook = None
    try:
        out = cls.apply(*args)
    finally:
        function._apply_hook = _on_apply
    outs = out if isinstance(out, tuple) else (out,)
    node = None
    for o in outs:
        if isinstance(o, Tensor) and o.grad_fn is not None:
            node = o.grad_fn
            break
    if node is None or getattr(node, "_record", None) is not None:
        return out
    _attach_record(node, cls, args, outs)
    return out


def _attach_record(node, cls, args, outs) -> None:
    STATE.seq += 1
    recorder = STATE.recorders[-1] if STATE.recorders else None
    constants = []
    leaf_names = {}
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            if not a.requires_grad:
                constants.append((i, _describe_constant(a)))
            elif a.grad_fn is None and recorder is not None:
                name = recorder.names.get(id(a))
                if name is not None:
                    leaf_names[i] = name
        elif isinstance(a, (int, float, np.number)) and not isinstance(a, bool) and i < 2:
            # numbers past the two operand positions are options (add's alpha, clamp's max)
            constants.append((i, _describe_constant(a)))
    outputs = [_output_info(o) if isinstance(o, Tensor) else None for o in outs]
    rec = NodeRecord(STATE.seq, node.name(), _frames(), tuple(STATE.scope), outputs, constants,
                     leaf_names)
    if recorder is not None:
        rec.grad_norms = [None] * len(outs)
        for nr, o in enumerate(outs):
            if isinstance(o, Tensor) and o.grad_fn is node:
                o.register_hook(_grad_norm_catcher(rec, nr))
    if recorder is not None and recorder.keep_args:
        rec.args = args
        rec.arg_versions = tuple(a._version if isinstance(a, Tensor) else None for a in args)
    node._record = rec
    ref = weakref.ref(node)
    rec.node = ref
    for edge in node._edges:
        if edge is not None and not isinstance(edge[0], Tensor):
            producer = record_of(edge[0])
            if producer is not None:
                producer.consumers.append(ref)
    if cls.__name__ == "Where":
        _note_where_mask(rec, args)
    if STATE.anomaly and STATE.check_nan:
        _check_forward(node, rec, args)


def _grad_norm_catcher(rec: NodeRecord, nr: int):
    """A tensor hook that notes the norm of the gradient arriving at output ``nr``."""
    def hook(grad):
        rec.grad_norms[nr] = float(np.linalg.norm(grad._data))

    return hook


def _note_where_mask(rec: NodeRecord, args) -> None:
    """Remember non-finite values that this where() did not select (the untaken branch)."""
    cond = args[0]._data if isinstance(args[0], Tensor) else np.asarray(args[0])
    for pos, take in ((1, cond), (2, ~cond)):
        a = args[pos]
        if not (isinstance(a, Tensor) and a.requires_grad and a.dtype.kind in "fc"):
            continue
        bad = ~np.isfinite(a._data)
        if bad.any():
            hidden = int((np.broadcast_to(bad, np.broadcast_shapes(bad.shape, take.shape))
                          & ~np.broadcast_to(take, np.broadcast_shapes(bad.shape, take.shape))
                          ).sum())
            if hidden:
                rec.masked.append((pos, hidden))


def _has_nan(t) -> bool:
    return isinstance(t, Tensor) and t.dtype.kind in "fc" and bool(np.isnan(t._data).any())


def _check_forward(node, rec: NodeRecord, args) -> None:
    if all(o is None or not o.n_nan for o in rec.outputs):
        return
    nan_inputs = [i for i, a in enumerate(args) if _has_nan(a)]
    if not nan_inputs:
        # The first NaN: kept, not raised, since a later where() may discard it legitimately;
        # it is reported if it flows on (here, next op) or poisons a gradient (backward).
        rec.nan_origin = True
        return
    msg = [f"Anomaly detected: {rec.op} produced nan in the forward pass "
           f"(output {_shapes_text(rec.outputs)}), created at {rec.where()}"]
    for i in nan_inputs:
        a = args[i]
        origin = _nan_origin(a)
        if origin is None:
            msg.append(f"Its input {i} (shape {tuple(a.shape)}) is a leaf tensor that already "
                       f"contains nan.")
        else:
            msg.append(f"The nan in its input {i} was first produced by {origin.op}, created at "
                       f"{origin.where()}")
            culprit = origin
            source = _nonfinite_source(origin)
            if source is not None:
                culprit = source
                msg.append(f"whose inputs held {source.outputs[0].nonfinite_text()} first "
                           f"produced by {source.op}, created at {source.where()}")
            hint = _op_hint(culprit.op)
            if hint:
                msg.append(hint)
    raise AnomalyError("\n".join(msg))


def _nan_origin(t: Tensor) -> NodeRecord | None:
    """The earliest recorded node upstream of ``t`` marked as the first to produce NaN."""
    best = None
    seen = set()
    stack = [t.grad_fn] if t.grad_fn is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        rec = record_of(node)
        if rec is None:
            continue
        if rec.nan_origin and (best is None or rec.seq < best.seq):
            best = rec
        for edge in node._edges:
            if edge is not None and not isinstance(edge[0], Tensor):
                stack.append(edge[0])
    return best


def _nonfinite_source(rec: NodeRecord) -> NodeRecord | None:
    """The earliest recorded op upstream of ``rec`` (excluded) whose output was not finite."""
    best = None
    seen = set()
    stack = [e[0] for e in rec_node_edges(rec)]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        r = record_of(node)
        if r is None:
            continue
        if any(o is not None and not o.finite for o in r.outputs) and (
                best is None or r.seq < best.seq):
            best = r
        stack.extend(e[0] for e in node._edges
                     if e is not None and not isinstance(e[0], Tensor))
    return best


def rec_node_edges(rec: NodeRecord) -> list:
    node = rec.node() if rec.node is not None else None
    if node is None:
        return []
    return [e for e in node._edges if e is not None and not isinstance(e[0], Tensor)]


def _shapes_text(outputs) -> str:
    return ", ".join(f"{o.shape} {o.dtype}" for o in outputs if o is not None)


_HINTS = {
    "Log": "log(0) = -inf and log(x < 0) = nan: clamp the input (x.clamp(min=eps)) or use a "
           "stable form (log_softmax, log1p, BCEWithLogits).",
    "Div": "division by zero (or 0/0): add an eps to the denominator or mask it safely.",
    "Sqrt": "sqrt has an infinite slope at 0 and is nan below 0: use (x + eps).sqrt() or clamp.",
    "Pow": "pow of 0 or of a negative base with a fractional exponent: clamp the base.",
    "Exp": "exp overflows to inf above ~88 (float32): subtract the max first (logsumexp trick).",
    "Rsqrt": "rsqrt(0) = inf: add an eps before the rsqrt.",
    "Reciprocal": "1/0 = inf: add an eps or mask before dividing.",
}


def _op_hint(op_name: str) -> str:
    for prefix, hint in _HINTS.items():
        if op_name.startswith(prefix):
            return "Hint: " + hint
    return ""


# ---------------------------------------------------------------- backward
def _on_backward(node, grads, multi):
    rec = record_of(node)
    try:
        result = node.backward(node, *grads) if multi else node.backward(node, grads)
    except Exception as exc:
        if rec is not None:
            exc.add_note(f"The forward op of {node.name()}, where this error happened in "
                         f"backward, was created at (most recent call last):\n"
                         f"{rec.traceback_text()}")
        raise
    if STATE.check_nan:
        _check_backward(node, rec, grads if multi else (grads,), result)
    return result


def _nonfinite_count(t) -> int:
    if not (isinstance(t, Tensor) and t.dtype.kind in "fc"):
        return 0
    return int(t._data.size - np.isfinite(t._data).sum())


def _check_backward(node, rec, grads, result) -> None:
    results = result if isinstance(result, tuple) else (result,)
    for i, g in enumerate(results):
        bad = _nonfinite_count(g)
        if not bad:
            continue
        kind = "nan" if np.isnan(g._data).any() else "inf"
        lines = [f"Anomaly detected: Function '{node.name()}' returned {kind} values in its "
                 f"{i}th output (the gradient for its input {i}, shape {tuple(g.shape)}: {bad} of "
                 f"{g._data.size} elements not finite)."]
        if rec is None:
            lines.append("The op was created before anomaly detection was turned on; run the "
                         "forward pass inside detect_anomaly() to see its source line.")
            raise AnomalyError("\n".join(lines))
        lines.append(f"The op was created at {rec.where()}")
        incoming_bad = sum(_nonfinite_count(x) for x in grads)
        if incoming_bad:
            lines.append(f"The gradient arriving at it already had {incoming_bad} non-finite "
                         f"element(s) (given as a root gradient or changed by a hook).")
        out = rec.outputs[0] if rec.outputs else None
        if out is not None and not out.finite:
            lines.append(f"Its forward output was not finite ({out.nonfinite_text()} of "
                         f"{int(np.prod(out.shape))} elements).")
        hidden = out is not None and not out.finite
        trap = _where_trap(node, require_masked=hidden or not _zero_where_bad(grads, g))
        if trap is not None and not incoming_bad:
            cause = ("discarded those values in the forward pass" if hidden else
                     "did not select these elements")
            lines.append(
                f"This is the `where` trap: the torch.where (or masked_fill) at {trap.site()} "
                f"{cause}, but in backward it sends a gradient of exactly 0 to the untaken "
                f"branch, and {node.name()} turns 0 into {kind} (0 * inf or 0 / 0: its local "
                f"derivative there is infinite or undefined), which flows on to the inputs.")
            lines.append(
                "Fix: make the untaken branch safe before the op, e.g. "
                "`x_safe = torch.where(cond, x, torch.ones_like(x))` and then "
                "`torch.where(cond, f(x_safe), other)`, so both branches stay finite.")
        hint = _op_hint(rec.op)
        if hint:
            lines.append(hint)
        raise AnomalyError("\n".join(lines))


def _zero_where_bad(grads, g) -> bool:
    """Whether the gradient that arrived is exactly 0 wherever the returned one is not finite
    (same shapes only): the signature of a masked-out branch."""
    if len(grads) != 1 or not isinstance(grads[0], Tensor) or grads[0].shape != g.shape:
        return False
    bad = ~np.isfinite(g._data)
    return bool(bad.any() and np.all(grads[0]._data[bad] == 0))


def _where_trap(node, require_masked: bool = True) -> NodeRecord | None:
    """A downstream where() that hid non-finite values coming from ``node``'s lineage (or any
    downstream where(), with ``require_masked=False``)."""
    rec = record_of(node)
    seen = set()
    frontier = [rec] if rec is not None else []
    steps = 0
    while frontier and steps < 10000:
        current = frontier.pop()
        steps += 1
        for ref in current.consumers:
            consumer = ref()
            crec = record_of(consumer)
            if crec is None or id(crec) in seen:
                continue
            seen.add(id(crec))
            if crec.masked or (not require_masked and crec.op.startswith("Where")):
                return crec
            frontier.append(crec)
    return None


# ---------------------------------------------------------------- record()
class record:
    """Record every op of the forward pass in this block: creation lines, module scopes, shapes,
    small values, arguments (for ``audit_graph``) and, after backward, gradient norms.

    ``with record(model): loss = loss_fn(model(x), y)`` names parameters and groups ops by the
    submodule whose forward created them (used by ``draw_graph`` clusters). No torch equivalent.
    """

    def __init__(self, model=None, keep_args: bool = True) -> None:
        self.model = model
        self.keep_args = keep_args
        self.names: dict = {}
        self._handles: list = []

    def __enter__(self) -> record:
        model = self.model
        if model is not None:
            if not hasattr(model, "named_parameters"):
                raise TypeError(f"record: expected an nn.Module (something with "
                                f"named_parameters()), got {type(model).__name__}")
            self.names = {id(p): n for n, p in model.named_parameters()}
            if hasattr(model, "register_forward_hook"):
                for path, module in model.named_modules():
                    self._handles.append(module.register_forward_pre_hook(_enter_scope(path)))
                    self._handles.append(module.register_forward_hook(_exit_scope(path)))
        STATE.recorders.append(self)
        _refresh()
        return self

    def __exit__(self, *exc) -> None:
        for h in self._handles:
            h.remove()
        self._handles = []
        if self in STATE.recorders:
            STATE.recorders.remove(self)
        if not STATE.recorders:
            STATE.scope.clear()
        _refresh()


def _enter_scope(path: str):
    def hook(module, args):
        STATE.scope.append((path, type(module).__name__))

    return hook


def _exit_scope(path: str):
    def hook(module, args, output):
        if STATE.scope and STATE.scope[-1][0] == path:
            STATE.scope.pop()

    return hook
