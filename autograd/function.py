"""Function: one op's forward and backward side by side; its instance is the graph node (ctx).

As in PyTorch, ``forward(ctx, *args)`` receives the call's arguments (Tensors stay Tensors) and
``backward(ctx, *grads)`` receives one gradient Tensor per output and returns one gradient per
argument (None for non-differentiable ones). Built-in ops read ``x._data`` in forward and write
backward in Tensor ops, so ``create_graph=True`` records the backward pass too.
"""

from __future__ import annotations

import weakref
from itertools import repeat as _repeat

import numpy as np

from . import grad_mode
from .tensor import Tensor

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)

# While autograd.debug.detect_anomaly or autograd.viz recording is active, this holds a callable
# ``hook(cls, args)`` that Function.apply delegates to (it clears the hook, calls apply again and
# annotates the new node). Unset, it costs apply one global read.
_apply_hook = None

_STATE = grad_mode.STATE
_new = object.__new__

_INPLACE_MESSAGE = (
    "one of the variables needed for gradient computation has been modified by an inplace "
    "operation: [{dtype} {shape}] is at version {now}; expected version {then} instead. "
    "Hint: the op that saved it is {op}; avoid modifying that tensor in place before backward."
)


class AccumulateGrad:
    """The end of an edge at a leaf tensor, as shown by ``next_functions``."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    next_functions = ()

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


class _NeedsInputGrad:
    """``ctx.needs_input_grad``: one bool per forward argument, made from the node's edges on
    first use (a backward reads it; making it for every recorded op would cost them all)."""

    def __get__(self, ctx, owner=None):
        if ctx is None:
            return self
        needs = tuple([e is not None for e in ctx._edges])
        ctx.__dict__["needs_input_grad"] = needs
        return needs


class Function:
    """Base class of every differentiable op (torch.autograd.Function).

    Subclasses define static ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` and are
    called with ``.apply(*args)``. The instance made per call is the graph node (``grad_fn``).
    """

    # Built-in ops read arrays in forward and are trusted to return correctly shaped gradients;
    # user subclasses run forward under no_grad and have their gradients' shapes checked.
    _builtin = False
    # True when backward is decorated with @once_differentiable (set per class below).
    once_differentiable = False

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        backward = cls.__dict__.get("backward")
        if backward is not None:
            fn = backward.__func__ if isinstance(backward, staticmethod) else backward
            cls.once_differentiable = getattr(fn, "_once_differentiable", False)

    # Per-node state, as class-level defaults: making a node sets only what differs from them
    # (a node is made for every recorded op, so this is on the hot path).
    _edges = ()
    _saved = None
    _saved_versions = None
    _freed = False
    _out_ref = None
    _out_data = None
    _out_version = 0
    _n_outputs = 1
    _non_differentiable = ()
    _pre_hooks = None
    _post_hooks = None
    _retained = None
    needs_input_grad = _NeedsInputGrad()
    materialize_grads = True
    # True while the forward of a call that will be recorded runs: only then is saving needed
    _recording = False

    # ----------------------------------------------------------------- ctx API
    def save_for_backward(self, *tensors) -> None:
        """Keep tensors (inputs or outputs of forward) for backward; checked for in-place edits."""
        if self._recording:
            self._saved = tensors
            # versions are kept only when one is not 0 (rare): a saved tensor at version 0 that
            # is found at another version in backward was modified in place
            for t in tensors:
                if isinstance(t, Tensor) and t._version:
                    self._saved_versions = [
                        u._version if isinstance(u, Tensor) else 0 for u in tensors]
                    break
            else:
                if self._saved_versions is not None:
                    self._saved_versions = None

    @property
    def saved_tensors(self) -> tuple:
        saved = self._saved
        if saved is None:
            if self._freed:
                raise RuntimeError(_FREED_MESSAGE)
            return ()
        out_data = self._out_data
        versions = self._saved_versions or _repeat(0)
        result = []
        for item, version in zip(saved, versions):
            if isinstance(item, Tensor):
                if item._version != version:
                    raise RuntimeError(_INPLACE_MESSAGE.format(
                        dtype=item.dtype, shape=list(item.shape), now=item._version, then=version,
                        op=self.name()))
                result.append(item)
            elif item is None:
                result.append(None)
            elif out_data is not None and item is out_data:
                result.append(self._output_tensor())
            elif isinstance(item, np.ndarray):
                result.append(Tensor._make(item, False, None))
            else:
                result.append(item)
        return tuple(result)

    def _output_tensor(self) -> Tensor:
        """The (single) forward output, re-linked to this node for use in backward."""
        ref = self._out_ref
        live = ref() if ref is not None else None
        if live is not None and live._version != self._out_version:
            raise RuntimeError(_INPLACE_MESSAGE.format(
                dtype=live.dtype, shape=list(live.shape), now=live._version,
                then=self._out_version, op=self.name()))
        return Tensor._make(self._out_data, bool(self._edges), self if self._edges else None)

    def mark_non_differentiable(self, *outputs) -> None:
        """Outputs that get no gradient (indices, masks)."""
        self._non_differentiable = outputs

    def mark_dirty(self, *tensors) -> None:
        """Accepted for torch compatibility; in-place Functions are handled by Tensor methods."""

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = value

    # ----------------------------------------------------------------- node API
    @classmethod
    def _node_name(cls) -> str:
        return cls.__name__ + ("Backward0" if cls._builtin else "Backward")

    def name(self) -> str:
        return self._node_name()

    @property
    def next_functions(self) -> tuple:
        out = []
        for edge in self._edges:
            if edge is None:
                out.append((None, 0))
            elif isinstance(edge[0], Tensor):
                out.append((AccumulateGrad(edge[0]), 0))
            else:
                out.append(edge)
        return tuple(out)

    def register_hook(self, hook):
        """Call ``hook(grad_inputs, grad_outputs)`` after this node's backward; it may return
        replacement grad_inputs (torch.autograd.graph.Node.register_hook)."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(hook)
        return _RemovableHandle(self._post_hooks, hook)

    def register_prehook(self, hook):
        """Call ``hook(grad_outputs)`` before this node's backward; it may return replacement
        grad_outputs (torch.autograd.graph.Node.register_prehook)."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        entry = (None, hook)  # output index None: the hook sees every output's gradient
        self._pre_hooks.append(entry)
        return _RemovableHandle(self._pre_hooks, entry)

    def __repr__(self) -> str:
        return f"<{self.name()} object>"

    # ----------------------------------------------------------------- calling
    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("Function subclasses must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("Function subclasses must define backward(ctx, *grad_outputs)")

    @classmethod
    def apply(cls, *args):
        if _apply_hook is not None:
            return _apply_hook(cls, args)
        # the hot path of every op: no __init__, one pass over the arguments, inlined _make
        ctx = _new(cls)
        edges = None
        if _STATE.enabled:
            for a in args:
                if isinstance(a, Tensor) and a.requires_grad:
                    edges = ctx._edges = tuple([
                        ((t.grad_fn, t._output_nr) if t.grad_fn is not None else (t, 0))
                        if isinstance(t, Tensor) and t.requires_grad else None for t in args])
                    ctx._recording = True
                    break
        if cls._builtin:
            out = cls.forward(ctx, *args)
        else:
            if edges is not None:
                ctx._input_meta = tuple(
                    (a.shape, a.dtype) if isinstance(a, Tensor) else None for a in args)
            prev = _STATE.enabled
            _STATE.enabled = False
            try:
                out = cls.forward(ctx, *args)
            finally:
                _STATE.enabled = prev
        if type(out) is np.ndarray:
            data = out
        elif isinstance(out, tuple):
            return _wrap_outputs(ctx, out, edges is not None)
        else:
            data = out._data if isinstance(out, Tensor) else out
            if type(data) is not np.ndarray:
                data = np.asarray(data)
        result = _new(Tensor)
        result._data = data
        result.grad = None
        result._version = 0
        result._output_nr = 0
        result._hooks = None
        if edges is None:
            result.requires_grad = False
            result.grad_fn = None
            return result
        result.requires_grad = True
        result.grad_fn = ctx
        ctx.output_meta = ((data.shape, data.dtype),)  # kept for drawing after data is freed
        if ctx._saved is not None:
            ctx._link_output(out, data, result)
        if ctx._non_differentiable:
            if any(o is out for o in ctx._non_differentiable):
                result.requires_grad = False
                result.grad_fn = None
        return result

    def _link_output(self, out, data, result) -> None:
        """Remember the forward output so saving it does not create a reference cycle."""
        for item in self._saved:
            if item is out or item is data or (isinstance(item, Tensor) and item._data is data):
                self._out_data = data
                self._out_version = 0
                self._out_ref = weakref.ref(result)
                if item is not data:
                    self._saved = tuple(data if s is item else s for s in self._saved)
                break

    def _release(self) -> None:
        """Free saved tensors after backward (retain_graph=False)."""
        if self._saved is not None:
            self._saved = None
            self._freed = True
        self._out_data = None
        self._free_extra()

    def _free_extra(self) -> None:
        """Ops that stash arrays on ctx beyond saved tensors drop them here."""


def _wrap_outputs(ctx, outs, record: bool):
    datas = []
    for o in outs:
        d = o._data if isinstance(o, Tensor) else o
        if d is not None and type(d) is not np.ndarray:
            d = np.asarray(d)
        datas.append(d)
    if not record:
        return tuple(Tensor._make(d, False, None) if d is not None else None for d in datas)
    ctx._n_outputs = len(outs)
    ctx._out_meta = tuple((d.shape, d.dtype) if d is not None else ((), None) for d in datas)
    ctx.output_meta = ctx._out_meta
    nondiff = ctx._non_differentiable
    results = []
    for i, (o, d) in enumerate(zip(outs, datas)):
        if d is None:
            results.append(None)
            continue
        if any(o is n or d is getattr(n, "_data", n) for n in nondiff) or d.dtype.kind not in "fc":
            results.append(Tensor._make(d, False, None))
        else:
            t = Tensor._make(d, True, ctx)
            t._output_nr = i
            results.append(t)
    return tuple(results)


class _RemovableHandle:
    __slots__ = ("_list", "_item")

    def __init__(self, lst, item) -> None:
        self._list = lst
        self._item = item

    def remove(self) -> None:
        try:
            self._list.remove(self._item)
        except ValueError:
            pass


def once_differentiable(backward):
    """Mark a backward as not differentiable itself (torch.autograd.function.once_differentiable):
    it runs without recording, and differentiating its result again raises a clear error."""
    backward._once_differentiable = True
    return backward
