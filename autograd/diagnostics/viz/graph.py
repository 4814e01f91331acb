"""The drawable model of a backward graph: nodes, edges and module clusters, before any graphviz.

``build_graph`` walks ``grad_fn`` edges from the outputs and gathers, for every op node, its name,
output shape/dtype, values, gradient norm, saved bytes and module scope: from the records left by
``debug.record()`` / ``detect_anomaly()`` when present, otherwise inferred from what the graph keeps
(saved tensors, gradient metadata, parameter names). ``collapse_modules`` and ``summarise`` shrink
big graphs; ``autograd.viz`` turns the result into a graphviz Digraph or a text tree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from ...tensor import Tensor
from ..recording import record_of


@dataclass
class VNode:
    """One drawn node: an op, a leaf (parameter/input), a constant, a module box or a summary."""

    id: str
    kind: str                      # op | param | input | constant | module | summary | more
    name: str
    shape: tuple | None = None
    dtype: object = None
    value: np.ndarray | None = None
    scope: tuple = ()              # module paths, outermost first
    seq: int | None = None
    site: str | None = None
    grad_norm: float | None = None
    saved_bytes: int | None = None
    saved_freed: bool = False
    nonfinite: bool = False
    is_output: bool = False
    detail: str = ""
    members: int = 1
    calls: tuple = ()              # (module path, class name, call id) per scope, outermost first
    attrs: tuple = ()              # an op's plain backward options, "name=value"
    obj: object = None             # the Function node or leaf Tensor (not drawn)


@dataclass
class VEdge:
    """Data flows from ``src`` into ``dst``; ``shape`` labels the edge."""

    src: str
    dst: str
    shape: tuple | None = None
    style: str = ""                # "saved": a saved tensor kept for backward (drawn dotted)


@dataclass
class GraphModel:
    """Nodes (in forward order), edges and the class name of every module scope."""

    nodes: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)
    scope_classes: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def op_nodes(self) -> list:
        return [n for n in self.nodes.values() if n.kind == "op"]

    def clusters(self) -> set:
        """Every module path that has at least one node inside it (and its ancestors)."""
        out = set()
        for n in self.nodes.values():
            for path in n.scope:
                out.add(path)
        return out


def param_names(params) -> dict:
    """id(tensor) -> name, from a Module (named_parameters), a dict or (name, tensor) pairs."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        return {id(p): n for n, p in params.named_parameters()}
    items = params.items() if isinstance(params, dict) else params
    names = {}
    for name, t in items:
        if not isinstance(t, Tensor):
            raise TypeError(f"draw_graph: params must map names to Tensors; {name!r} is a "
                            f"{type(t).__name__}")
        names[id(t)] = name
    return names


def _walk(roots) -> tuple:
    """Op nodes reachable from the roots (post-order, children first) and the leaves seen."""
    order = []
    expanded = set()
    done = set()
    stack = [t.grad_fn for t in roots if t.grad_fn is not None]
    while stack:
        node = stack[-1]
        if id(node) in expanded:
            stack.pop()
            if id(node) not in done:
                done.add(id(node))
                order.append(node)
            continue
        expanded.add(id(node))
        for edge in reversed(node._edges):
            if edge is not None and not isinstance(edge[0], Tensor) and id(edge[0]) not in expanded:
                stack.append(edge[0])
    return order


def _saved_items(node) -> tuple:
    saved = getattr(node, "_saved", None)
    return saved if saved is not None else ()


def _array_of(item):
    if isinstance(item, Tensor):
        return item._data
    if isinstance(item, np.ndarray):
        return item
    return None


class _Facts:
    """What is known about each (node, output_nr): shape, dtype, value."""

    def __init__(self) -> None:
        self.shape: dict = {}
        self.dtype: dict = {}
        self.value: dict = {}

    def learn(self, key, data: np.ndarray) -> None:
        self.shape.setdefault(key, tuple(data.shape))
        self.dtype.setdefault(key, data.dtype)
        if key not in self.value and data.size <= 64:
            self.value[key] = data


def _recompute_small_values(order, facts: _Facts) -> None:
    """Re-run small built-in ops whose every argument was a tensor with a known value (one
    edge per forward argument, so nothing else went in): fills values that no node kept."""
    for node in order:
        key = (id(node), 0)
        if key in facts.value or not node._builtin or node._n_outputs != 1 or not node._edges:
            continue
        inputs = []
        for edge in node._edges:
            if edge is None:
                break
            target, nr = edge
            value = target._data if isinstance(target, Tensor) else facts.value.get(
                (id(target), nr))
            if value is None or value.size > 64:
                break
            inputs.append(Tensor._make(value, False, None))
        else:
            try:
                with np.errstate(all="ignore"):
                    out = type(node).forward(type(node)(), *inputs)
            except Exception:  # an op that needs more than its tensors: leave it unknown
                continue
            if isinstance(out, (np.ndarray, np.generic)) and np.size(out) <= 64:
                facts.learn(key, np.asarray(out))


def _infer(order, roots) -> _Facts:
    """Shapes and dtypes come from what each node keeps about its outputs (``output_meta``, set
    when the node is made) or its record; small values from records, outputs and saved tensors,
    else are recomputed."""
    facts = _Facts()
    for node in order:
        meta = getattr(node, "output_meta", None)
        if meta is not None:
            for nr, (shape, dtype) in enumerate(meta):
                facts.shape[(id(node), nr)] = tuple(shape)
                if dtype is not None:
                    facts.dtype[(id(node), nr)] = dtype
    for t in roots:
        if t.grad_fn is not None:
            facts.learn((id(t.grad_fn), t._output_nr), t._data)
    for node in order:
        rec = record_of(node)
        if rec is not None:
            for nr, out in enumerate(rec.outputs):
                if out is not None:
                    key = (id(node), nr)
                    facts.shape.setdefault(key, out.shape)
                    facts.dtype.setdefault(key, out.dtype)
                    if out.value is not None:
                        facts.value.setdefault(key, out.value)
        out_data = getattr(node, "_out_data", None)
        if out_data is not None:
            facts.learn((id(node), 0), out_data)
    for node in order:
        # what consumers kept about their inputs tells the producers' values
        for item in _saved_items(node):
            if isinstance(item, Tensor) and item.grad_fn is not None:
                facts.learn((id(item.grad_fn), item._output_nr), item._data)
    _recompute_small_values(order, facts)
    return facts


def node_attrs(node, max_chars: int = 50) -> list:
    """``name=value`` of the plain options an op kept for its backward (dim, keepdim, stride,
    ...), like torchviz's ``show_attrs``; tensors and private fields are left out."""
    out = []
    for name, value in vars(node).items():
        if name.startswith("_") or name in ("output_meta", "needs_input_grad",
                                            "materialize_grads"):
            continue
        if isinstance(value, (bool, int, float, str, type(None), np.number)) or (
                isinstance(value, tuple) and all(isinstance(v, (bool, int, float, np.number,
                                                                type(None))) for v in value)):
            text = f"{name}={value}"
            out.append(text if len(text) <= max_chars else text[:max_chars - 3] + "...")
    return out


def _nonfinite(data) -> bool:
    return data is not None and data.dtype.kind in "fc" and not np.isfinite(data).all()


def _saved_bytes(node) -> tuple:
    if getattr(node, "_freed", False):
        return 0, True
    seen = set()
    total = 0
    items = list(_saved_items(node))
    out_data = getattr(node, "_out_data", None)
    if out_data is not None:
        items.append(out_data)
    for item in items:
        data = _array_of(item)
        if data is not None and id(data) not in seen:
            seen.add(id(data))
            total += data.nbytes
    return total, False


def _scope_from_name(name: str) -> tuple:
    """'encoder.layers.0.linear1.weight' -> the module path prefixes, outermost first."""
    parts = name.split(".")[:-1]
    return tuple(".".join(parts[:i + 1]) for i in range(len(parts)))


def build_graph(outputs, params=None, show_constants: bool = False,
                show_saved: bool = False) -> GraphModel:
    """Walk the backward graph of ``outputs`` into a GraphModel (see the module docstring)."""
    roots = []
    for t in outputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"draw_graph: outputs must be Tensors, got {type(t).__name__}")
        roots.append(t)
    names = param_names(params)
    order = _walk(roots)
    facts = _infer(order, roots)
    model = GraphModel()
    recorded_names = {}
    for node in order:
        rec = record_of(node)
        if rec is not None:
            for i, name in rec.leaf_names.items():
                edge = node._edges[i]
                if edge is not None and isinstance(edge[0], Tensor):
                    recorded_names.setdefault(id(edge[0]), name)
            for path, cls_name in rec.scope:
                if path:
                    model.scope_classes.setdefault(path, cls_name)
    names = {**recorded_names, **names}
    root_keys = {(id(t.grad_fn), t._output_nr) for t in roots if t.grad_fn is not None}
    ids = {}
    leaf_scope: dict = {}
    n_inputs = 0

    def leaf_id(t: Tensor) -> str:
        nonlocal n_inputs
        key = id(t)
        if key in ids:
            return ids[key]
        nid = f"leaf{len(ids)}"
        ids[key] = nid
        name = names.get(key)
        is_param = name is not None or type(t).__name__ == "Parameter"
        if name is None:
            name = "parameter" if is_param else ("input" if n_inputs == 0 else f"input{n_inputs}")
            if not is_param:
                n_inputs += 1
        grad = t.grad
        gnorm = float(np.linalg.norm(grad._data)) if grad is not None else None
        model.nodes[nid] = VNode(
            nid, "param" if is_param else "input", name, tuple(t.shape), t.dtype,
            t._data if t._data.size <= 64 else None, _scope_from_name(name) if is_param else (),
            grad_norm=gnorm, nonfinite=_nonfinite(t._data) or (
                grad is not None and _nonfinite(grad._data)), obj=t)
        return nid

    for t in roots:
        if t.grad_fn is None:
            nid = leaf_id(t)
            model.nodes[nid].is_output = True
    for node in order:
        rec = record_of(node)
        nid = f"op{len(model.nodes)}"
        ids[id(node)] = nid
        key = (id(node), 0)
        saved, freed = _saved_bytes(node)
        value = facts.value.get(key)
        out_bad = (rec is not None and any(o is not None and not o.finite for o in rec.outputs)) \
            or _nonfinite(value)
        gnorm = None
        if rec is not None and rec.grad_norms:
            norms = [g for g in rec.grad_norms if g is not None]
            gnorm = float(np.sqrt(sum(g * g for g in norms))) if norms else None
        vn = VNode(nid, "op", node.name(), facts.shape.get(key), facts.dtype.get(key), value,
                   tuple(p for p, _ in rec.scope if p) if rec is not None else (),
                   rec.seq if rec is not None else None, rec.site() if rec is not None else None,
                   gnorm, saved, freed, out_bad or (gnorm is not None and not np.isfinite(gnorm)),
                   any((id(node), nr) in root_keys for nr in range(node._n_outputs)), obj=node)
        if node._n_outputs > 1:
            vn.detail = f"{node._n_outputs} outputs"
        if rec is not None:
            # the scope entries are made once per module call, so their identity tells two
            # calls of the same module apart
            vn.calls = tuple((path, cls_name, id(entry))
                             for entry in rec.scope for path, cls_name in (entry,))
        vn.attrs = tuple(node_attrs(node))
        model.nodes[nid] = vn
        for edge in node._edges:
            if edge is None:
                continue
            target, nr = edge
            if isinstance(target, Tensor):
                src = leaf_id(target)
                shape = tuple(target.shape)
                if rec is not None and rec.scope and model.nodes[src].kind == "param":
                    leaf_scope.setdefault(src, vn.scope)
            else:
                src = ids[id(target)]
                shape = facts.shape.get((id(target), nr))
            model.edges.append(VEdge(src, nid, shape))
        if show_constants:
            _add_constants(model, node, rec, nid, vn.scope)
        if show_saved:
            _add_saved(model, node, nid, vn.scope)
    for src, scope in leaf_scope.items():
        model.nodes[src].scope = scope
    if not any(record_of(n) is not None and record_of(n).scope for n in order):
        _infer_scopes_from_params(model)
    _number_by_forward_order(model)
    return model


def _add_constants(model: GraphModel, node, rec, nid: str, scope: tuple) -> None:
    consts = []
    if rec is not None:
        for _pos, desc in rec.constants:
            if desc[0] == "tensor":
                consts.append((desc[1], desc[2], desc[3]))
            else:
                consts.append(((), None, np.asarray(desc[1])))
    else:
        for item in _saved_items(node):
            if isinstance(item, Tensor) and not item.requires_grad:
                data = item._data
                consts.append((tuple(data.shape), data.dtype, data if data.size <= 64 else None))
            elif isinstance(item, (int, float, np.number)) and not isinstance(item, bool):
                consts.append(((), None, np.asarray(item)))
    for shape, dtype, value in consts:
        cid = f"const{len(model.nodes)}"
        model.nodes[cid] = VNode(cid, "constant", "constant", shape, dtype, value, scope)
        model.edges.append(VEdge(cid, nid, shape))


def _add_saved(model: GraphModel, node, nid: str, scope: tuple) -> None:
    """One node per tensor the op saved for backward (torchviz's show_saved)."""
    out_data = getattr(node, "_out_data", None)
    for i, item in enumerate(_saved_items(node)):
        data = _array_of(item)
        if data is None:
            continue
        sid = f"saved{len(model.nodes)}"
        what = "its output" if out_data is not None and data is out_data else f"saved {i}"
        model.nodes[sid] = VNode(sid, "saved", what, tuple(data.shape), data.dtype,
                                 data if data.size <= 64 else None, scope,
                                 nonfinite=_nonfinite(data))
        model.edges.append(VEdge(sid, nid, None, style="saved"))


def _infer_scopes_from_params(model: GraphModel) -> None:
    """Without recorded scopes, an op that reads a named parameter belongs to its module."""
    for e in model.edges:
        src = model.nodes[e.src]
        dst = model.nodes[e.dst]
        if src.kind == "param" and src.scope and dst.kind == "op" and not dst.scope:
            dst.scope = src.scope
    for path in model.clusters():
        model.scope_classes.setdefault(path, "")


def _number_by_forward_order(model: GraphModel) -> None:
    """Nodes without a recorded sequence number get their position in forward order."""
    ops = [n for n in model.nodes.values() if n.kind == "op"]
    if any(n.seq is None for n in ops):
        for i, n in enumerate(ops):
            n.seq = i + 1 if n.seq is None else n.seq
    _sort_nodes(model)


# ---------------------------------------------------------------- shrinking big graphs
def _call_at(n: VNode, depth: int):
    """(path, call id) of the module call at scope depth ``depth`` that made op ``n``."""
    named = [c for c in n.calls if c[0]]
    if len(named) >= depth and named[depth - 1][0] == n.scope[depth - 1]:
        return named[depth - 1][0], named[depth - 1][2]
    return n.scope[depth - 1], None


def collapse_modules(model: GraphModel, depth: int) -> GraphModel:
    """Draw every module call at scope depth ``depth`` (1 = the model's children) as one box; a
    module called twice is two boxes. Its parameters go into the box of its first call."""
    groups: dict = defaultdict(list)
    for n in model.nodes.values():
        if len(n.scope) >= depth and n.kind not in ("param", "input"):
            groups[_call_at(n, depth)].append(n)
    if not groups:
        model.notes.append("collapse: no module scopes known (run the forward under "
                           "record(model), or pass params=model)")
        return model
    first_call = {}
    for key in sorted(groups, key=lambda k: min(m.seq or 0 for m in groups[k])):
        first_call.setdefault(key[0], key)
    calls_of = Counter(path for path, _ in groups)
    params_of = defaultdict(list)
    group_of = {m.id: key for key, members in groups.items() for m in members}
    for n in model.nodes.values():
        if n.kind == "param" and len(n.scope) >= depth:
            path = n.scope[depth - 1]
            key = first_call.get(path, (path, None))
            group_of[n.id] = key
            params_of[path].append(n)
            groups.setdefault(key, [])
    out = GraphModel(scope_classes=model.scope_classes, notes=list(model.notes))
    box_id = {}
    call_number = Counter()
    for n in model.nodes.values():
        key = group_of.get(n.id)
        if key is None:
            out.nodes[n.id] = n
            continue
        if key in box_id:
            continue
        path = key[0]
        members = groups[key] + [p for p in params_of[path] if group_of[p.id] == key]
        ops = [m for m in members if m.kind == "op"]
        last = max(ops, key=lambda m: m.seq or 0) if ops else members[-1]
        bid = f"module{len(box_id)}"
        box_id[key] = bid
        call_number[path] += 1
        n_params = sum(int(np.prod(p.shape)) for p in params_of[path] if p.shape is not None)
        name = path if calls_of[path] < 2 else f"{path} (call {call_number[path]})"
        out.nodes[bid] = VNode(
            bid, "module", name, last.shape, last.dtype, None, n.scope[:depth - 1],
            min((m.seq for m in ops if m.seq is not None), default=None),
            detail=f"{model.scope_classes.get(path, '')}".strip(), members=len(ops),
            nonfinite=any(m.nonfinite for m in members), is_output=any(m.is_output for m in ops),
            grad_norm=_combined_norm(params_of[path]),
            saved_bytes=sum(m.saved_bytes or 0 for m in ops),
            site=f"{len(ops)} op{'s' if len(ops) != 1 else ''}, {n_params} parameters")
    mapping = {nid: box_id[key] for nid, key in group_of.items()}
    # a later call reads the parameters its first call's box holds: not a data dependency
    shared = {(mapping[p.id], mapping[m.id]) for key, members in groups.items()
              for m in members for p in params_of[key[0]] if mapping[p.id] != mapping[m.id]}
    _rewire(model, out, mapping, skip=lambda e: model.nodes[e.src].kind == "param" and (
        mapping.get(e.src), mapping.get(e.dst)) in shared)
    _sort_nodes(out)
    return out


# modules written from several primitives that read as one op (torch draws one node for each)
FUSED_MODULES = frozenset(
    f"{kind}{d}d" for kind in ("Conv", "ConvTranspose", "MaxPool", "AvgPool") for d in (1, 2, 3))


def fuse_modules(model: GraphModel, classes=FUSED_MODULES) -> GraphModel:
    """Draw the ops of each call of a module whose class is in ``classes`` (known from
    ``record``) as one op node named after the class, e.g. one ``Conv2d`` instead of its
    Reshape/Unfold/MatMul/Add."""
    groups: dict = defaultdict(list)
    for n in model.nodes.values():
        if n.kind != "op":
            continue
        for path, cls_name, call in n.calls:
            if cls_name in classes:
                groups[(path, call, cls_name)].append(n)
                break
    groups = {k: v for k, v in groups.items() if len(v) > 1}
    if not groups:
        return model
    mapping = {}
    fused = {}
    for (path, _call, cls_name), members in groups.items():
        last = max(members, key=lambda m: m.seq or 0)
        first = min(members, key=lambda m: m.seq or 0)
        depth = next(i for i, c in enumerate(first.calls) if c[0] == path) + 1
        inner = Counter(_short_name(m.name) for m in members)
        node = VNode(f"fused_{first.id}", "op", cls_name, last.shape, last.dtype, last.value,
                     first.scope, first.seq, first.site, last.grad_norm,
                     sum(m.saved_bytes or 0 for m in members), any(m.saved_freed for m in members),
                     any(m.nonfinite for m in members), any(m.is_output for m in members),
                     detail="of " + ", ".join(inner), members=len(members),
                     calls=first.calls[:depth])
        fused[first.id] = node
        for m in members:
            mapping[m.id] = node.id
    out = GraphModel(scope_classes=model.scope_classes, notes=list(model.notes))
    for nid, n in model.nodes.items():
        if nid in fused:
            out.nodes[fused[nid].id] = fused[nid]
        elif nid not in mapping:
            out.nodes[nid] = n
    _rewire(model, out, mapping)
    out.notes.append("convolution and pooling modules drawn as one node each "
                     "(expand_modules=True shows their ops)")
    return out


def _short_name(name: str) -> str:
    for suffix in ("Backward0", "Backward"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _sort_nodes(model: GraphModel) -> None:
    """Leaves and constants first, then ops, module boxes and summaries in forward order."""
    order = sorted(model.nodes.values(),
                   key=lambda n: (n.kind in ("op", "module", "summary", "more"), n.seq or 0))
    model.nodes = {n.id: n for n in order}


def _combined_norm(nodes) -> float | None:
    norms = [n.grad_norm for n in nodes if n.grad_norm is not None]
    return float(np.sqrt(sum(g * g for g in norms))) if norms else None


def _rewire(old: GraphModel, new: GraphModel, mapping: dict, skip=None) -> None:
    seen = set()
    for e in old.edges:
        if skip is not None and skip(e):
            continue
        src = mapping.get(e.src, e.src)
        dst = mapping.get(e.dst, e.dst)
        if src == dst or src not in new.nodes or dst not in new.nodes:
            continue
        key = (src, dst, e.shape, e.style)
        if key in seen:
            continue
        seen.add(key)
        new.edges.append(VEdge(src, dst, e.shape, e.style))


def _longest_repeat(sig: np.ndarray, max_period: int) -> tuple:
    """(period, start, length) of the longest stretch where sig[i] == sig[i + period]."""
    best = (0, 0, 0)
    n = sig.size
    for p in range(1, min(max_period, n // 3) + 1):
        eq = np.concatenate([[False], sig[:-p] == sig[p:], [False]]).astype(np.int8)
        d = np.diff(eq)
        starts = np.flatnonzero(d == 1)
        ends = np.flatnonzero(d == -1)
        if not starts.size:
            continue
        lengths = ends - starts
        k = int(np.argmax(lengths))
        run = int(lengths[k])
        repeats = (run + p) // p
        # cover the most nodes; periods are tried shortest first, so a multiple of the true
        # unit (which covers the same nodes) never replaces it
        if repeats >= 3 and run + p > best[2] + best[0]:
            best = (p, int(starts[k]), run)
    return best


def summarise(model: GraphModel, max_nodes: int) -> GraphModel:
    """Replace repeated blocks of ops (e.g. RNN time steps) by one summary node each, keeping
    the first and last repetition, until at most ``max_nodes`` nodes remain (then the ops
    furthest from the outputs are cut and counted in one node)."""
    if len(model.nodes) <= max_nodes:
        return model
    # once over the limit, fold every long repetition (not just until under it), so that e.g.
    # the per-step output reshapes of an RNN fold along with its steps
    for _ in range(8):
        ops = [n for n in model.nodes.values() if n.kind in ("op", "module")]
        ops.sort(key=lambda n: n.seq or 0)
        labels = {}
        sig = np.array([labels.setdefault((n.name, n.shape, n.scope[-1:] if n.scope else ()),
                                          len(labels)) for n in ops], dtype=np.int64)
        period, start, run = _longest_repeat(sig, 400)
        if not period:
            break
        reps = (run + period) // period
        if reps < 4 and len(model.nodes) <= max_nodes:
            break
        first_kept_end = start + period
        last_kept_start = start + (reps - 1) * period
        middle = ops[first_kept_end:last_kept_start]
        if not middle:
            break
        model = _replace_block(model, middle, reps - 2, period)
    if len(model.nodes) > max_nodes:
        model = _truncate(model, max_nodes)
    return model


def _replace_block(model: GraphModel, middle: list, count: int, period: int) -> GraphModel:
    gone = {n.id for n in middle}
    # leaves and constants used only by the removed ops go too
    users = defaultdict(set)
    for e in model.edges:
        users[e.src].add(e.dst)
    for nid, n in model.nodes.items():
        if n.kind in ("param", "input", "constant") and users[nid] and users[nid] <= gone:
            if n.kind == "constant":
                gone.add(nid)
    sid = f"summary{len(model.nodes)}_{middle[0].id}"
    names = Counter(n.name for n in middle[:period])
    top = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in names.most_common(4))
    if len(names) > 4:
        top += ", ..."
    summary = VNode(sid, "summary", f"{count} more repeats", middle[-1].shape, middle[-1].dtype,
                    scope=_common_scope(middle), seq=middle[0].seq,
                    detail=f"each a block of {period} op{'s' if period > 1 else ''}: {top}",
                    members=len(middle),
                    nonfinite=any(n.nonfinite for n in middle),
                    grad_norm=_combined_norm(middle))
    out = GraphModel(scope_classes=model.scope_classes, notes=list(model.notes))
    placed = False
    for nid, n in model.nodes.items():
        if nid in gone:
            if not placed:
                out.nodes[sid] = summary
                placed = True
            continue
        out.nodes[nid] = n
    _rewire(model, out, {nid: sid for nid in gone})
    out.notes.append(f"{count} repeats of a {period}-op block summarised")
    return out


def _common_scope(nodes) -> tuple:
    scopes = [n.scope for n in nodes]
    common = scopes[0]
    for s in scopes[1:]:
        k = 0
        while k < min(len(common), len(s)) and common[k] == s[k]:
            k += 1
        common = common[:k]
    return common


def _truncate(model: GraphModel, max_nodes: int) -> GraphModel:
    """Keep the ``max_nodes - 1`` nodes nearest the outputs; count the rest in one node."""
    preds = defaultdict(list)
    for e in model.edges:
        preds[e.dst].append(e.src)
    frontier = [nid for nid, n in model.nodes.items() if n.is_output] or [list(model.nodes)[-1]]
    keep = []
    seen = set(frontier)
    while frontier and len(keep) < max_nodes - 1:
        nxt = []
        for nid in frontier:
            if len(keep) >= max_nodes - 1:
                break
            keep.append(nid)
            for p in preds[nid]:
                if p not in seen:
                    seen.add(p)
                    nxt.append(p)
        frontier = nxt
    kept = set(keep)
    dropped = [nid for nid in model.nodes if nid not in kept]
    out = GraphModel(scope_classes=model.scope_classes, notes=list(model.notes))
    mid = "more"
    out.nodes[mid] = VNode(mid, "more", f"{len(dropped)} more nodes", members=len(dropped),
                           detail="not drawn (raise max_nodes to see them)",
                           nonfinite=any(model.nodes[d].nonfinite for d in dropped))
    for nid in model.nodes:
        if nid in kept:
            out.nodes[nid] = model.nodes[nid]
    _rewire(model, out, {nid: mid for nid in dropped})
    out.notes.append(f"{len(dropped)} nodes beyond max_nodes not drawn")
    return out
