"""Function: one op's forward and backward side by side; its instance is the graph node (ctx).

As in PyTorch, ``forward(ctx, *args)`` receives the call's arguments (Tensors stay Tensors) and
``backward(ctx, *grads)`` receives one gradient Tensor per output and returns one gradient per
argument (None for non-differentiable ones). Built-in ops read ``x._data`` in forward and write
backward in Tensor ops, so ``create_graph=True`` records the backward pass too.

An op may also define ``backward_array(ctx, *grads)`` right under ``backward``: numpy arrays in
(None only after ``set_materialize_grads(False)``), one array or None per forward argument out (a
single array for a one-input op), reading ``ctx.saved_arrays``. The engine uses it for first-order
passes; it must not modify its incoming gradients in place, and must not return a saved array or a
forward input's array itself (a view of a gradient is fine).
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
_new_tensor = Tensor._new

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
    _hooked = False          # True once any of the three above is set: backward needs Tensors
    needs_input_grad = _NeedsInputGrad()
    materialize_grads = True
    # ((shape, dtype), ...) per output, recorded when the node is made (read by the drawing code)
    output_meta = ()
    # the array twin of backward (see the module docstring); None: backward in Tensor ops only
    backward_array = None
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
                    return
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
                    self._raise_modified(item, version)
                result.append(item)
            elif item is None:
                result.append(None)
            elif out_data is not None and item is out_data:
                result.append(self._output_tensor())
            elif isinstance(item, np.ndarray):
                result.append(Tensor._new(item))
            else:
                result.append(item)
        return tuple(result)

    @property
    def saved_arrays(self) -> tuple:
        """What ``save_for_backward`` kept, as raw arrays (for ``backward_array``); the same
        freed-graph and in-place-modification checks as ``saved_tensors``."""
        saved = self._saved
        if saved is None:
            if self._freed:
                raise RuntimeError(_FREED_MESSAGE)
            return ()
        versions = self._saved_versions
        out_data = self._out_data
        result = []
        for i, item in enumerate(saved):
            if isinstance(item, Tensor):
                version = 0 if versions is None else versions[i]
                if item._version != version:
                    self._raise_modified(item, version)
                item = item._data
            elif item is out_data and item is not None:
                self._check_output_version()
            result.append(item)
        return tuple(result)

    def _raise_modified(self, item: Tensor, version: int):
        raise RuntimeError(_INPLACE_MESSAGE.format(
            dtype=item.dtype, shape=list(item.shape), now=item._version, then=version,
            op=self.name()))

    def _check_output_version(self) -> None:
        ref = self._out_ref
        live = ref() if ref is not None else None
        if live is not None and live._version != self._out_version:
            self._raise_modified(live, self._out_version)

    def _output_tensor(self) -> Tensor:
        """The (single) forward output, re-linked to this node for use in backward."""
        self._check_output_version()
        return Tensor._new(self._out_data, bool(self._edges), self if self._edges else None)

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
        torch_name = cls.__dict__.get("grad_fn_name")  # torch's name for a built-in op's node
        return torch_name or cls.__name__ + ("Backward0" if cls._builtin else "Backward")

    def name(self) -> str:
        return self.__dict__.get("grad_fn_name") or self._node_name()

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
            self._hooked = True
        self._post_hooks.append(hook)
        return _RemovableHandle(self._post_hooks, hook)

    def register_prehook(self, hook):
        """Call ``hook(grad_outputs)`` before this node's backward; it may return replacement
        grad_outputs (torch.autograd.graph.Node.register_prehook)."""
        if self._pre_hooks is None:
            self._pre_hooks = []
            self._hooked = True
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
        # the hot path of every op: no __init__, one pass over the arguments
        ctx = _new(cls)
        edges = None
        if _STATE.enabled:
            found = []
            for t in args:
                if isinstance(t, Tensor) and t.requires_grad:
                    fn = t.grad_fn
                    found.append((fn, t._output_nr) if fn is not None else (t, 0))
                    edges = found
                else:
                    found.append(None)
            if edges is not None:
                edges = ctx._edges = tuple(found)
                ctx._recording = True
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
        if edges is None:
            return _new_tensor(data)
        result = _new_tensor(data, True, ctx)
        ctx.output_meta = ((data.shape, data.dtype),)
        saved = ctx._saved
        if saved is not None:
            if not cls._builtin:
                ctx._link_output(out, data, result)
            else:
                for item in saved:
                    if item is out:  # a built-in op saved the array it returns
                        ctx._link_output(out, data, result)
                        break
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
            if self._out_data is not None:
                self._out_data = None
        if self._free_extra is not None:
            self._free_extra()

    # Ops that stash arrays on ctx beyond saved tensors define ``_free_extra(self)`` to drop them
    _free_extra = None


def _wrap_outputs(ctx, outs, record: bool):
    datas = []
    for o in outs:
        d = o._data if isinstance(o, Tensor) else o
        if d is not None and type(d) is not np.ndarray:
            d = np.asarray(d)
        datas.append(d)
    if not record:
        return tuple(_new_tensor(d) if d is not None else None for d in datas)
    ctx._n_outputs = len(outs)
    ctx.output_meta = tuple((d.shape, d.dtype) if d is not None else ((), None) for d in datas)
    nondiff = ctx._non_differentiable
    results = []
    for i, (o, d) in enumerate(zip(outs, datas)):
        if d is None:
            results.append(None)
        elif any(o is n or d is getattr(n, "_data", n) for n in nondiff) or \
                d.dtype.kind not in "fc":
            results.append(_new_tensor(d))
        else:
            results.append(_new_tensor(d, True, ctx, i))
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
