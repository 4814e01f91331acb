"""The backward engine: iterative topological order, gradient accumulation, hooks, freeing.

Nodes are Function instances; an edge is ``(node, output_nr)`` or ``(leaf_tensor, 0)``. The order
comes from an explicit-stack depth-first search (no recursion, so 100k-op chains are fine).
Pending gradients live in a local dict; only leaves (and tensors that asked with ``retain_grad``)
get ``.grad`` written.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import numpy as np

from . import grad_mode
from .tensor import Tensor

# While autograd.debug.detect_anomaly is active: ``hook(node, grads, multi)`` runs the node's
# backward and checks its result (names the op and its creation line on NaN/Inf or errors).
_backward_hook = None


def _dependencies(roots) -> dict:
    """For every node reachable from ``roots``: how many graph edges lead into it. Backward runs
    a node once all of them have delivered (Kahn's order; an explicit stack, no recursion)."""
    deps = {}
    stack = []
    for r in roots:
        if r not in deps:
            deps[r] = 0
            stack.append(r)
    while stack:
        for edge in stack.pop()._edges:
            if edge is not None:
                target = edge[0]
                if not isinstance(target, Tensor):
                    n = deps.get(target)
                    if n is None:
                        deps[target] = 1
                        stack.append(target)
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


def _as_root_grad(t: Tensor, g, index: int) -> Tensor:
    if g is None:
        if t._data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        return Tensor._make(np.ones(t.shape, dtype=t.dtype), False, None)
    if not isinstance(g, Tensor):
        g = Tensor._make(np.asarray(g, dtype=t.dtype), False, None)
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


def _sum_to(g: Tensor, shape: tuple) -> Tensor:
    from .ops.shape import sum_to_shape
    return sum_to_shape(g, shape)


def _validate_user_grad(node, i: int, g, meta) -> Tensor:
    """Check a gradient returned by a user Function against its input's shape and dtype."""
    if not isinstance(g, Tensor):
        g = Tensor._make(np.asarray(g), False, None)
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
        g = _sum_to(g, shape)
    if g.dtype != dtype:
        g = g.to(dtype)
    return g


def run_backward(roots: Sequence[Tensor], root_grads: Sequence[Tensor], retain_graph: bool,
                 create_graph: bool, inputs: Sequence[Tensor] | None = None,
                 allow_unused: bool = False, accumulate: bool = True):
    """Propagate ``root_grads`` from ``roots``. With ``inputs`` and ``accumulate=False``, return
    their gradients instead of writing ``.grad`` (autograd.grad)."""
    pending: dict = {}
    leaf_grads: dict = {}
    root_nodes = []
    for t, g in zip(roots, root_grads):
        node = t.grad_fn
        if node is None:
            key = id(t)
            prev = leaf_grads.get(key)
            g = Tensor._make(g._data.copy(), g.requires_grad, g.grad_fn) if g.grad_fn is None else g
            leaf_grads[key] = (t, g if prev is None else (prev[1] + g))
            continue
        _send(pending, node, t._output_nr, g)
        root_nodes.append(node)

    capture = None
    if inputs is not None:
        capture = {}
        for t in inputs:
            if not isinstance(t, Tensor):
                raise TypeError(f"grad: inputs must be Tensors, got {type(t).__name__}")
            if not t.requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            capture[(id(t.grad_fn), t._output_nr) if t.grad_fn is not None else (id(t), 0)] = None

    deps = _dependencies(root_nodes)
    needed = None if capture is None else _needed_nodes(root_nodes, deps, capture)
    ready = [r for r in dict.fromkeys(root_nodes) if deps[r] == 0]
    owned: set = set()      # ids of gradient sums only this backward holds (pending, unrecorded)

    prev_mode = grad_mode.STATE.enabled
    grad_mode.STATE.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            grads = pending.pop(node, None)
            if owned and grads is not None:
                owned.discard(id(grads))     # leaves the engine's hands: no more in-place adds
            result = None
            if grads is not None:
                if node._pre_hooks is not None or node._retained is not None:
                    grads = _run_node_hooks(node, grads)
                if capture is not None:
                    _capture(capture, node, grads)
                if needed is None or id(node) in needed:
                    if node._n_outputs == 1 and _backward_hook is None and \
                            node._post_hooks is None and not (
                            create_graph and node.once_differentiable):
                        result = node.backward(node, grads)
                        if type(result) is not tuple:
                            result = (result,)
                        if not node._builtin:
                            result = _check_user_result(node, result, node._edges)
                    else:
                        result = _execute(node, grads, create_graph)
                    if not retain_graph:
                        node._release()
            if result is None:
                for edge in node._edges:
                    if edge is not None and not isinstance(edge[0], Tensor):
                        target = edge[0]
                        n = deps[target] - 1
                        deps[target] = n
                        if n == 0:
                            ready.append(target)
                continue
            for edge, g in zip(node._edges, result):
                if edge is None:
                    continue
                target = edge[0]
                if isinstance(target, Tensor):
                    if g is not None:
                        key = id(target)
                        prev = leaf_grads.get(key)
                        leaf_grads[key] = (target, g if prev is None else
                                           _accumulate(prev[1], g, owned, create_graph))
                    continue
                if g is not None:
                    if target._n_outputs == 1:
                        prev = pending.get(target)
                        pending[target] = g if prev is None else \
                            _accumulate(prev, g, owned, create_graph)
                    else:
                        _send(pending, target, edge[1], g)
                n = deps[target] - 1
                deps[target] = n
                if n == 0:
                    ready.append(target)
    finally:
        grad_mode.STATE.enabled = prev_mode

    if capture is not None and not accumulate:
        results = []
        for t in inputs:
            if t.grad_fn is None:
                entry = leaf_grads.get(id(t))
                g = entry[1] if entry is not None else None
            else:
                g = capture[(id(t.grad_fn), t._output_nr)]
            if g is None and not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
            if g is not None and not create_graph and g.grad_fn is not None:
                g = g.detach()
            results.append(g)
        return tuple(results)

    wanted = None if capture is None else {id(t) for t in inputs if t.grad_fn is None}
    for key, (leaf, g) in leaf_grads.items():
        if wanted is not None and key not in wanted:
            continue
        _accumulate_leaf(leaf, g, create_graph)
    return None


def _accumulate(prev: Tensor, g: Tensor, owned: set, create_graph: bool) -> Tensor:
    """prev + g. The first sum is a new tensor that nothing else references, so (when the
    backward is not recorded) later gradients are added into it in place: one allocation for a
    weight that receives a gradient at each of 50 time steps, not 49."""
    if create_graph:
        return prev + g
    pd, gd = prev._data, g._data
    if id(prev) in owned and pd.shape == gd.shape and pd.dtype == gd.dtype:
        np.add(pd, gd, out=pd)
        return prev
    total = prev + g
    if total._data.flags.writeable and total._data.base is None:
        owned.add(id(total))
    return total


def _send(pending: dict, node, nr: int, g: Tensor) -> None:
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
    """Run one node's backward (the general case: several outputs, once-differentiable, the
    anomaly hook) and return one gradient per edge."""
    multi = node._n_outputs != 1
    if multi and node.materialize_grads:
        grads = [g if g is not None else Tensor._make(np.zeros(s, d), False, None)
                 for g, (s, d) in zip(grads, node._out_meta)]
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


def _check_user_result(node, result, edges):
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
            checked.append(_validate_user_grad(node, i, g, node._input_meta[i]))
    return tuple(checked)


class _OnceDifferentiableBackward:
    """Stands where a once-differentiable backward produced a gradient; differentiating it
    again raises."""

    _n_outputs = 1
    _pre_hooks = None
    _post_hooks = None
    _retained = None
    _builtin = True
    once_differentiable = False
    materialize_grads = True

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
    return Tensor._make(g._data, True, _OnceDifferentiableBackward(edges))


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
            g = Tensor._make(np.array(data, copy=True), False, None)
        leaf.grad = g
    elif create_graph or current.requires_grad:
        leaf.grad = current + g
    else:
        np.add(current._data, g._data, out=current._data)


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
        result = tuple(g if g is not None else Tensor._make(np.zeros(t.shape, t.dtype), False, None)
                       for g, t in zip(result, inputs))
    return result
