"""The backward engine: iterative topological order, gradient accumulation, hooks, freeing.

Nodes are Function instances; an edge is ``(node, output_nr)`` or ``(leaf_tensor, 0)``. The order
comes from an explicit-stack depth-first search (no recursion, so 100k-op chains are fine).
Pending gradients live in the state of one backward call (a ``_GraphTask``, nothing at module
level, so threads can run backward on separate graphs at once); only leaves (and tensors that
asked with ``retain_grad``) get ``.grad`` written.

Two modes. A first-order pass (``create_graph=False``, anomaly mode off) keeps pending gradients
as numpy arrays and runs each node's ``backward_array`` when it has one and no hook on it needs a
Tensor; other nodes get their gradients wrapped as Tensors and run ``backward`` without recording.
With ``create_graph=True`` every node runs its Tensor-op ``backward`` so the pass is recorded.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import numpy as np

from . import grad_mode
from .ops.shape import sum_to_shape
from .tensor import Tensor

# While autograd.debug.detect_anomaly is active: ``hook(node, grads, multi)`` runs the node's
# backward and checks its result (names the op and its creation line on NaN/Inf or errors).
_backward_hook = None

_new_tensor = Tensor._new
_ndarray = np.ndarray


class _GraphTask:
    """The state of one backward call."""

    __slots__ = ("pending", "leaf_grads", "owned", "given", "capture", "needed", "deps",
                 "retain_graph", "create_graph", "arrays")

    def __init__(self, retain_graph: bool, create_graph: bool) -> None:
        self.pending: dict = {}      # node -> gradient of its output (a list for several outputs)
        self.leaf_grads: dict = {}   # id(leaf) -> (leaf, gradient)
        self.owned: set = set()      # ids of gradient sums only this backward holds
        self.given: set = set()      # ids of arrays already handed to a leaf's .grad
        self.capture = None          # autograd.grad: (id(node or leaf), output_nr) -> gradient
        self.needed = None           # autograd.grad: ids of nodes that lead to a captured input
        self.deps: dict = {}
        self.retain_graph = retain_graph
        self.create_graph = create_graph
        # first-order pass: gradients travel as arrays
        self.arrays = not create_graph and _backward_hook is None


def run_backward(roots: Sequence[Tensor], root_grads: Sequence[Tensor], retain_graph: bool,
                 create_graph: bool, inputs: Sequence[Tensor] | None = None,
                 allow_unused: bool = False, accumulate: bool = True):
    """Propagate ``root_grads`` from ``roots``. With ``inputs`` and ``accumulate=False``, return
    their gradients instead of writing ``.grad`` (autograd.grad)."""
    task = _GraphTask(retain_graph, create_graph)
    root_nodes = _seed_roots(task, roots, root_grads)
    if inputs is not None:
        task.capture = _capture_targets(inputs)
    task.deps = _dependencies(root_nodes)
    if task.capture is not None:
        task.needed = _needed_nodes(root_nodes, task.deps, task.capture)
    ready = [r for r in dict.fromkeys(root_nodes) if task.deps[r] == 0]
    if task.arrays:
        # the Tensor ops that backward is written in never warn (inf * 0 in a masked gradient,
        # inf - inf...), so neither does their array twin
        with np.errstate(all="ignore"):
            _run_nodes(task, ready)
    else:
        state = grad_mode.STATE
        prev_mode = state.enabled
        state.enabled = create_graph
        try:
            _run_nodes(task, ready)
        finally:
            state.enabled = prev_mode
    if inputs is not None and not accumulate:
        return _input_grads(task, inputs, allow_unused)
    _write_leaf_grads(task, inputs)
    return None


# ---------------------------------------------------------------- step 1: the roots
def _seed_roots(task: _GraphTask, roots, root_grads) -> list:
    """Put each root's gradient where backward starts; return the roots' nodes."""
    root_nodes = []
    for t, g in zip(roots, root_grads):
        node = t.grad_fn
        if node is None:
            key = id(t)
            prev = task.leaf_grads.get(key)
            g = _new_tensor(g._data.copy(), g.requires_grad, g.grad_fn) if g.grad_fn is None else g
            if task.arrays:
                g = g._data
            task.leaf_grads[key] = (t, g if prev is None else (prev[1] + g))
            continue
        if task.arrays:
            g = g._data
            task.given.add(id(g))    # the caller's array: never handed to a .grad as it is
        _send(task.pending, node, t._output_nr, g)
        root_nodes.append(node)
    return root_nodes


def _capture_targets(inputs) -> dict:
    """autograd.grad's inputs as capture keys: (id(grad_fn), output_nr), or (id(leaf), 0)."""
    capture = {}
    for t in inputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"grad: inputs must be Tensors, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        capture[(id(t.grad_fn), t._output_nr) if t.grad_fn is not None else (id(t), 0)] = None
    return capture


# ---------------------------------------------------------------- step 2: the order
def _dependencies(roots) -> dict:
    """For every node reachable from ``roots``: how many graph edges lead into it. Backward runs
    a node once all of them have delivered (Kahn's order; an explicit stack, no recursion)."""
    deps = {}
    stack = []
    for r in roots:
        if r not in deps:
            deps[r] = 0
            stack.append(r)
    push, get = stack.append, deps.get
    while stack:
        for edge in stack.pop()._edges:
            if edge is not None:
                target = edge[0]
                if not isinstance(target, Tensor):
                    n = get(target)
                    if n is None:
                        deps[target] = 1
                        push(target)
                    else:
                        deps[target] = n + 1
    return deps


def _needed_nodes(roots, deps: dict, capture: dict) -> set:
    """ids of the nodes from which a captured gradient can be reached (autograd.grad inputs)."""
    remaining = dict(deps)
    ready = [r for r in dict.fromkeys(roots) if remaining[r] == 0]
    order = []
    while ready:
        node = ready.pop()
        order.append(node)
        for edge in node._edges:
            if edge is not None and not isinstance(edge[0], Tensor):
                remaining[edge[0]] -= 1
                if remaining[edge[0]] == 0:
                    ready.append(edge[0])
    needed = set()
    for node in reversed(order):
        for edge in node._edges:
            if edge is not None and ((id(edge[0]), edge[1]) in capture or id(edge[0]) in needed):
                needed.add(id(node))
                break
    return needed


# ---------------------------------------------------------------- step 3: the nodes
def _run_nodes(task: _GraphTask, ready: list) -> None:
    """Run every node in dependency order, delivering each result along the node's edges."""
    pending, owned, deps = task.pending, task.owned, task.deps
    capture, arrays = task.capture, task.arrays
    release = not task.retain_graph
    while ready:
        node = ready.pop()
        grads = pending.pop(node, None)
        result = None
        if grads is not None:
            if owned:
                owned.discard(id(grads))     # leaves the engine's hands: no more in-place adds
            backward_array = node.backward_array if arrays else None
            if backward_array is not None and capture is None and not node._hooked and \
                    node._n_outputs == 1:
                result = backward_array(node, grads)
                if type(result) is not tuple:
                    result = (result,)
                if not node._builtin:
                    result = _check_user_result(node, result, node._edges, True)
            else:
                result = _run_node(task, node, grads)
            if release and result is not None:
                node._release()
        if result is None:
            for edge in node._edges:
                if edge is not None and not isinstance(edge[0], Tensor):
                    _count_down(deps, edge[0], ready)
            continue
        for edge, g in zip(node._edges, result):
            if edge is None:
                continue
            target = edge[0]
            if isinstance(target, Tensor):
                if g is not None:
                    _deliver(task, target, 0, g)
                continue
            if g is not None:
                if target._n_outputs == 1:   # _deliver's common case, inline
                    prev = pending.get(target)
                    pending[target] = g if prev is None else _accumulate(task, prev, g)
                else:
                    _send(pending, target, edge[1], g)
            n = deps[target] - 1
            deps[target] = n
            if n == 0:
                ready.append(target)


def _count_down(deps: dict, target, ready: list) -> None:
    n = deps[target] - 1
    deps[target] = n
    if n == 0:
        ready.append(target)


def _deliver(task: _GraphTask, target, nr: int, g) -> None:
    """Add ``g`` to what ``target`` (a node's output ``nr``, or a leaf) has received so far."""
    if isinstance(target, Tensor):
        key = id(target)
        prev = task.leaf_grads.get(key)
        task.leaf_grads[key] = (target, g if prev is None else _accumulate(task, prev[1], g))
    elif target._n_outputs == 1:
        pending = task.pending
        prev = pending.get(target)
        pending[target] = g if prev is None else _accumulate(task, prev, g)
    else:
        _send(task.pending, target, nr, g)


def _run_node(task: _GraphTask, node, grads):
    """One node's general case: hooks, capture for autograd.grad, several outputs,
    once-differentiable, the anomaly hook, a Tensor-op backward inside a first-order pass.
    Returns one gradient per edge (arrays in a first-order pass), or None when the node is not
    needed for autograd.grad."""
    if not task.arrays:
        return _run_node_tensors(task, node, grads)
    state = grad_mode.STATE
    prev_mode = state.enabled
    state.enabled = False
    try:
        multi = node._n_outputs != 1
        use_array = node.backward_array is not None and not node._hooked
        if use_array:
            if task.capture is not None:
                _capture(task.capture, node, grads)   # made Tensors in _input_grads
            if task.needed is not None and id(node) not in task.needed:
                return None
            if multi and node.materialize_grads:
                grads = [g if g is not None else np.zeros(s, d)
                         for g, (s, d) in zip(grads, node.output_meta)]
            result = node.backward_array(node, *grads) if multi else \
                node.backward_array(node, grads)
            if type(result) is not tuple:
                result = (result,)
            if not node._builtin:
                result = _check_user_result(node, result, node._edges, True)
            return result
        result = _run_node_tensors(task, node, _to_tensors(grads, multi))
        if result is None:
            return None
        return tuple(None if g is None else _array_of(g) for g in result)
    finally:
        state.enabled = prev_mode


def _run_node_tensors(task: _GraphTask, node, grads):
    """The node's Tensor-op backward, with its hooks (gradients as Tensors)."""
    if node._pre_hooks is not None or node._retained is not None:
        grads = _run_node_hooks(node, grads)
    if task.capture is not None:
        _capture(task.capture, node, grads)
    if task.needed is not None and id(node) not in task.needed:
        return None
    return _execute(node, grads, task.create_graph)


def _to_tensors(grads, multi: bool):
    if multi:
        return [None if g is None else _new_tensor(_array_of(g)) for g in grads]
    return _new_tensor(_array_of(grads))


def _array_of(g) -> np.ndarray:
    """The ndarray of a gradient (a Tensor, an ndarray, or the numpy scalar a 0-d sum gives)."""
    if isinstance(g, Tensor):
        return g._data
    return g if type(g) is _ndarray else np.asarray(g)


def _accumulate(task: _GraphTask, prev, g):
    """prev + g. The first sum is a new array that nothing else references, so (when the
    backward is not recorded) later gradients are added into it in place: one allocation for a
    weight that receives a gradient at each of 50 time steps, not 49."""
    if task.create_graph:
        return prev + g
    owned = task.owned
    tensors = isinstance(prev, Tensor)
    pd = prev._data if tensors else prev
    gd = g._data if isinstance(g, Tensor) else g
    if id(prev) in owned and pd.shape == gd.shape and pd.dtype == gd.dtype:
        np.add(pd, gd, out=pd)
        return prev
    total = prev + g
    td = total._data if tensors else total
    if type(td) is _ndarray and td.flags.writeable and td.base is None:
        owned.add(id(total))
    return total


def _send(pending: dict, node, nr: int, g) -> None:
    if node._n_outputs == 1:
        prev = pending.get(node)
        pending[node] = g if prev is None else prev + g
        return
    slots = pending.get(node)
    if slots is None:
        slots = pending[node] = [None] * node._n_outputs
    prev = slots[nr]
    slots[nr] = g if prev is None else prev + g


def _run_node_hooks(node, grads):
    multi = node._n_outputs != 1
    as_list = list(grads) if multi else [grads]
    for nr, hook in list(node._pre_hooks or ()):
        if nr is None:
            new = hook(tuple(as_list))
            if new is not None:
                as_list = list(new)
            continue
        if as_list[nr] is None:
            continue
        new = hook(as_list[nr])
        if new is not None:
            as_list[nr] = new
    if node._retained is not None:
        for nr, ref in node._retained:
            t = ref()
            if t is not None and as_list[nr] is not None:
                g = as_list[nr]
                if not grad_mode.STATE.enabled:
                    g = g.detach()
                t.grad = g if t.grad is None else t.grad + g
    return as_list if multi else as_list[0]


def _capture(capture: dict, node, grads) -> None:
    if node._n_outputs == 1:
        key = (id(node), 0)
        if key in capture:
            capture[key] = grads
    else:
        for i, g in enumerate(grads):
            if (id(node), i) in capture:
                capture[(id(node), i)] = g


def _execute(node, grads, create_graph: bool) -> tuple:
    """Run one node's Tensor-op backward (the general case: several outputs, once-differentiable,
    the anomaly hook, post hooks) and return one gradient per edge."""
    multi = node._n_outputs != 1
    if multi and node.materialize_grads:
        grads = [g if g is not None else _new_tensor(np.zeros(s, d))
                 for g, (s, d) in zip(grads, node.output_meta)]
    once = create_graph and node.once_differentiable
    if once:
        grad_mode.STATE.enabled = False
    try:
        if _backward_hook is None:
            result = node.backward(node, *grads) if multi else node.backward(node, grads)
        else:
            result = _backward_hook(node, grads, multi)
    finally:
        if once:
            grad_mode.STATE.enabled = True
    if type(result) is not tuple:
        result = (result,)
    edges = node._edges
    if not node._builtin:
        result = _check_user_result(node, result, edges)
    if once:
        result = tuple(_poison(g, edges) if g is not None else None for g in result)
    if node._post_hooks is not None:
        outputs = tuple(grads) if multi else (grads,)
        for hook in list(node._post_hooks):
            new = hook(result, outputs)
            if new is not None:
                result = tuple(new)
    return result


def _check_user_result(node, result, edges, arrays: bool = False):
    """Check a user Function's gradients: one per input, each of its input's shape and dtype
    (a gradient that broadcasts to the input's shape is summed back to it)."""
    n = len(edges)
    if len(result) < n or any(r is not None for r in result[n:]):
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients "
            f"(expected {n}, got {len(result)})")
    checked = []
    for i, (g, edge) in enumerate(zip(result, edges)):
        if g is None or edge is None:
            checked.append(None)
        else:
            g = _validate_user_grad(node, i, g, node._input_meta[i])
            checked.append(g._data if arrays else g)
    return tuple(checked)


def _validate_user_grad(node, i: int, g, meta) -> Tensor:
    if not isinstance(g, Tensor):
        g = _new_tensor(np.asarray(g))
    shape, dtype = meta
    if g.shape != shape:
        try:
            expandable = np.broadcast_shapes(shape, g.shape) == g.shape
        except ValueError:
            expandable = False
        if not expandable:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - got "
                f"{list(g.shape)} but expected shape compatible with {list(shape)}")
        g = sum_to_shape(g, shape)
    if g.dtype != dtype:
        g = g.to(dtype)
    return g


class _OnceDifferentiableBackward:
    """Stands where a once-differentiable backward produced a gradient; differentiating it
    again raises."""

    _n_outputs = 1
    _pre_hooks = None
    _post_hooks = None
    _retained = None
    _hooked = False
    _builtin = True
    once_differentiable = False
    materialize_grads = True
    backward_array = None
    output_meta = ()

    def __init__(self, edges) -> None:
        self._edges = edges

    def name(self) -> str:
        return "OnceDifferentiableBackward"

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(
            "trying to differentiate twice a function that was marked with @once_differentiable")

    def _release(self) -> None:
        pass


def _poison(g: Tensor, edges) -> Tensor:
    return _new_tensor(g._data, True, _OnceDifferentiableBackward(edges))


# ---------------------------------------------------------------- step 4: the results
def _input_grads(task: _GraphTask, inputs, allow_unused: bool) -> tuple:
    """autograd.grad's answer: each input's gradient as a Tensor (None if unused and allowed)."""
    results = []
    for t in inputs:
        if t.grad_fn is None:
            entry = task.leaf_grads.get(id(t))
            g = entry[1] if entry is not None else None
        else:
            g = task.capture[(id(t.grad_fn), t._output_nr)]
        if g is None and not allow_unused:
            raise RuntimeError(
                "One of the differentiated Tensors appears to not have been used in the "
                "graph. Set allow_unused=True if this is the desired behavior.")
        if g is not None:
            if not isinstance(g, Tensor):
                g = _new_tensor(_array_of(g))
            elif not task.create_graph and g.grad_fn is not None:
                g = g.detach()
        results.append(g)
    return tuple(results)


def _write_leaf_grads(task: _GraphTask, inputs) -> None:
    """Accumulate every leaf's gradient into its ``.grad`` (only ``inputs``' when given)."""
    wanted = None if inputs is None else {id(t) for t in inputs if t.grad_fn is None}
    for key, (leaf, g) in task.leaf_grads.items():
        if wanted is not None and key not in wanted:
            continue
        if isinstance(g, Tensor):
            _accumulate_leaf(leaf, g, task.create_graph)
        else:
            _accumulate_leaf_array(task, leaf, g)


def _accumulate_leaf_array(task: _GraphTask, leaf: Tensor, g) -> None:
    """A first-order gradient (an array) into ``leaf.grad``: the array itself when this backward
    made it and nobody else holds it, else a copy; added in place to an existing ``.grad``."""
    if leaf._hooks:
        _accumulate_leaf(leaf, _new_tensor(_array_of(g)), False)
        return
    if g.dtype != leaf._data.dtype:
        g = g.astype(leaf._data.dtype)
    current = leaf.grad
    if current is None:
        if type(g) is not _ndarray or not g.flags.writeable or g.base is not None or \
                id(g) in task.given:
            g = np.array(g, copy=True)
        task.given.add(id(g))
        leaf.grad = _new_tensor(g)
    elif current.requires_grad:
        leaf.grad = current + _new_tensor(_array_of(g))
    else:
        np.add(current._data, g, out=current._data)


def _accumulate_leaf(leaf: Tensor, g: Tensor, create_graph: bool) -> None:
    if leaf._hooks:
        for hook in list(leaf._hooks):
            new = hook(g)
            if new is not None:
                g = new
    if not create_graph and g.grad_fn is not None:
        g = g.detach()
    if g.dtype != leaf.dtype:
        g = g.to(leaf.dtype)
    current = leaf.grad
    if current is None:
        data = g._data
        if not create_graph and (not data.flags.writeable or data.base is not None):
            g = _new_tensor(np.array(data, copy=True))
        leaf.grad = g
    elif create_graph or current.requires_grad:
        leaf.grad = current + g
    else:
        np.add(current._data, g._data, out=current._data)


# ---------------------------------------------------------------- public entry points
def _as_root_grad(t: Tensor, g, index: int) -> Tensor:
    if g is None:
        if t._data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        return _new_tensor(np.ones(t.shape, dtype=t.dtype))
    if not isinstance(g, Tensor):
        g = _new_tensor(np.asarray(g, dtype=t.dtype))
    if g.shape != t.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{index}] has a shape of {tuple(g.shape)} and "
            f"output[{index}] has a shape of {tuple(t.shape)}.")
    return g


def _check_roots(tensors: Sequence[Tensor]) -> None:
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"backward: expected Tensors as outputs, got {type(t).__name__} at {i}")
        if not t.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Iterable[Tensor] | None = None) -> None:
    """Accumulate gradients of ``tensors`` into leaves' ``.grad`` (torch.autograd.backward)."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None or isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors] * len(tensors) if grad_tensors is None else [grad_tensors]
    _check_roots(tensors)
    grads = [_as_root_grad(t, g, i) for i, (t, g) in enumerate(zip(tensors, grad_tensors))]
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool = False,
         materialize_grads: bool = False) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``
    (torch.autograd.grad; ``only_inputs`` is accepted and ignored, as torch does)."""
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). "
                      "To accumulate gradient for other parts of the graph, please use "
                      "torch.autograd.backward.", FutureWarning, stacklevel=2)
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs) if grad_outputs is None else [grad_outputs]
    _check_roots(outputs)
    grads = [_as_root_grad(t, g, i) for i, (t, g) in enumerate(zip(outputs, grad_outputs))]
    if retain_graph is None:
        retain_graph = create_graph
    result = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                          allow_unused=allow_unused or materialize_grads, accumulate=False)
    if materialize_grads:
        result = tuple(g if g is not None else _new_tensor(np.zeros(t.shape, t.dtype))
                       for g, t in zip(result, inputs))
    return result
