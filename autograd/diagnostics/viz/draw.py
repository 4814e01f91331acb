"""Drawing computation graphs: ``draw_graph`` (graphviz) and ``print_graph`` (plain text).

``draw_graph(loss, params=model)`` draws the backward graph: one box per op (name, output shape and
dtype), leaves labelled by parameter name, inputs / parameters / constants styled apart, edges
labelled with shapes. Options overlay values, gradient norms (colour scale), saved-tensor bytes and
NaN/Inf (red). Ops recorded under ``autograd.debug.record(model)`` are grouped into one cluster per
module; ``collapse='module'`` draws each module as one box and ``max_nodes`` summarises repeated
structure. ``style='forward'`` draws the course notes' forward view (variables -> ops -> output).
"""

from __future__ import annotations

import os
import sys

import numpy as np

from ... import grad_mode
from ...tensor import Tensor
from ..recording import record
from . import render as _render
from .graph import GraphModel, VNode, build_graph, collapse_modules, fuse_modules, summarise
from .render import renderer_available

try:
    import graphviz
except ImportError:  # draw_graph needs it; print_graph and import autograd do not
    graphviz = None

__all__ = ["draw_graph", "draw_model", "print_graph", "GraphDrawing", "record",
           "renderer_available"]

_FILL = {"op": "#eeeeee", "param": "#d5e8d4", "input": "#dae8fc", "constant": "#ffffff",
         "module": "#e1d5e7", "summary": "#fff2cc", "more": "#fff2cc", "saved": "#ffe0b2"}
_BAD = "#f8cecc"
# light to dark: small gradient norms pale, large ones saturated (log scale)
_GRAD_SCALE = ("#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801",
               "#a63603")


class GraphDrawing(graphviz.Digraph if graphviz is not None else object):
    """A graphviz.Digraph that also keeps the drawn model (``.graph_model``). It renders with the
    system Graphviz ``dot`` when present, else with the pip-installed ``graphviz-pure``; the
    graphviz API (``render``, ``pipe``, ``view``, Jupyter display) works through either."""

    graph_model: GraphModel

    def pipe(self, format: str | None = None, renderer=None, formatter=None, neato_no_op=None,
             quiet: bool = False, *, engine: str | None = None, encoding: str | None = None):
        """Render and return the bytes (or text with ``encoding``), like graphviz's pipe."""
        _render.check_format(format or self.format)
        with _render.renderer():
            return super().pipe(format, renderer, formatter, neato_no_op, quiet, engine=engine,
                                encoding=encoding)

    def render(self, filename=None, directory=None, view: bool = False, cleanup: bool = False,
               format: str | None = None, **kwargs) -> str:
        """graphviz.Digraph.render (``directory=``, ``format=``, ``outfile=``, ``cleanup=``,
        ``view=``; returns the rendered file's path). One shorthand on top: ``render('g.svg')``
        with no format writes exactly that file (format from its extension, no DOT source file)."""
        if filename is not None and format is None and kwargs.get("outfile") is None:
            ext = os.path.splitext(os.fspath(filename))[1].lstrip(".").lower()
            if ext in ("svg", "png", "pdf", "jpg", "jpeg", "json"):
                path = os.path.join(directory, os.fspath(filename)) if directory else \
                    os.fspath(filename)
                data = self.pipe(format={"jpg": "jpeg"}.get(ext, ext))
                with open(path, "wb") as f:
                    f.write(data)
                if view:
                    self._view(path, format=ext, quiet=kwargs.get("quiet_view", False))
                return path
        _render.check_format(_render.format_of(filename, format, kwargs.get("outfile"),
                                                     self.format))
        with _render.renderer():
            return super().render(filename, directory=directory, view=view, cleanup=cleanup,
                                  format=format, **kwargs)

    def __repr__(self) -> str:
        # also the text/plain beside the SVG in a notebook: no memory address, so stored
        # notebook outputs stay the same from run to run
        return f"<GraphDrawing: {self.node_count} nodes, {self.edge_count} edges>"

    def _repr_svg_(self) -> str:
        return self.pipe(format="svg", encoding="utf-8")

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs) -> dict:
        """Jupyter display: the inline SVG (or the formats asked for); when nothing can render,
        the reason as text instead of a traceback."""
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except (RuntimeError, ValueError, OSError) as exc:
            return {"text/plain": f"{exc}\n({self.node_count} nodes; print_graph(...) shows "
                                  f"the graph as text)"}

    @property
    def node_count(self) -> int:
        return len(self.graph_model.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.graph_model.edges)

    @property
    def clusters(self) -> set:
        return self.graph_model.clusters()


# ---------------------------------------------------------------- labels
def _fmt_shape(shape) -> str:
    if shape is None:
        return "?"
    return "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def _fmt_dtype(dtype) -> str:
    return "" if dtype is None else str(np.dtype(dtype))


def _fmt_value(value) -> str:
    if value is None:
        return ""
    v = np.asarray(value)
    if v.ndim == 0:
        return f"{v.item():.4g}" if v.dtype.kind in "fc" else str(v.item())
    with np.printoptions(precision=3, suppress=True, threshold=8, edgeitems=2, linewidth=40):
        return np.array2string(v, separator=", ")


def _fmt_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _short_op(name: str) -> str:
    for suffix in ("Backward0", "Backward"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _label(n: VNode, style: str, show_values: bool, show_grads: bool, show_saved: bool,
           show_attrs: bool = False) -> str:
    lines = []
    if n.kind == "op":
        lines.append(_short_op(n.name) if style == "forward" else n.name)
        meta = f"{_fmt_shape(n.shape)} {_fmt_dtype(n.dtype)}".strip()
        if style != "forward" or not show_values or n.value is None or n.value.size > 1:
            lines.append(meta)
        if n.is_output:
            lines[0] = lines[0] + "  (output)"
        if n.detail and n.members > 1:
            lines.append(n.detail)
        if show_attrs:
            lines.extend(n.attrs)
    elif n.kind in ("param", "input"):
        if style == "forward" and show_values and n.value is not None and n.value.size == 1:
            lines.append(f"{n.name} = {_fmt_value(n.value)}")  # the notes' "a = 5"
            return _join(lines, n, show_grads, show_saved)
        lines.append(n.name)
        lines.append(f"{_fmt_shape(n.shape)} {_fmt_dtype(n.dtype)}".strip())
    elif n.kind == "constant":
        if n.value is not None and n.value.size == 1 and not n.shape:
            lines.append(_fmt_value(n.value))
            return "\\n".join(_escape(x) for x in lines)
        lines.append(f"constant {_fmt_shape(n.shape)}")
    elif n.kind == "module":
        cls = f" ({n.detail})" if n.detail else ""
        lines.append(f"{n.name}{cls}")
        lines.append(n.site or "")
        lines.append(f"-> {_fmt_shape(n.shape)} {_fmt_dtype(n.dtype)}".strip())
    else:
        lines.append(n.name)
        if n.detail:
            lines.append(n.detail)
    if show_values and n.value is not None and n.kind != "module":
        text = _fmt_value(n.value)
        lines.append(("= " + text) if "\n" not in text else text)
    return _join(lines, n, show_grads, show_saved)


def _join(lines: list, n: VNode, show_grads: bool, show_saved: bool) -> str:
    if show_grads and n.grad_norm is not None:
        lines.append(f"|grad| {n.grad_norm:.3g}")
    if show_saved and n.kind == "op":
        lines.append("saved: freed" if n.saved_freed else f"saved {_fmt_bytes(n.saved_bytes or 0)}")
    if n.nonfinite:
        lines.append("NaN/Inf!")
    return "\\n".join(_escape(x) for x in "\n".join(lines).split("\n"))


def _grad_colour(norm: float, lo: float, hi: float) -> str:
    if not np.isfinite(norm):
        return _BAD
    if norm <= 0 or hi <= lo:
        return _GRAD_SCALE[0] if norm <= 0 else _GRAD_SCALE[len(_GRAD_SCALE) // 2]
    t = (np.log10(norm) - lo) / (hi - lo)
    return _GRAD_SCALE[int(np.clip(t, 0, 1) * (len(_GRAD_SCALE) - 1) + 0.5)]


def _attrs(n: VNode, style: str, show_grads: bool, grad_range: tuple) -> dict:
    a = {"style": "filled", "fillcolor": _FILL.get(n.kind, "#ffffff")}
    if n.kind == "op":
        a["shape"] = "box"
        a["style"] = "rounded,filled"
    elif n.kind in ("param", "input"):
        a["shape"] = "ellipse" if style == "forward" else "box"
        if n.kind == "input":
            a["style"] = "filled,dashed" if style != "forward" else "filled"
    elif n.kind == "constant":
        # a visible outline, so the arrow out of it starts at its border, not in empty space
        a.update(shape="ellipse", fontsize="10", fontcolor="#555555", color="#999999",
                 margin="0.02,0.01", width="0.3", height="0.25")
    elif n.kind == "saved":
        a.update(shape="box", fontsize="9", color="#e69500")
    elif n.kind == "module":
        a["shape"] = "box3d"
    else:
        a["shape"] = "note"
    if show_grads and n.grad_norm is not None:
        a["fillcolor"] = _grad_colour(n.grad_norm, *grad_range)
    if n.is_output:
        a["peripheries"] = "2"
    if n.nonfinite:
        a.update(fillcolor=_BAD, color="#cc0000", penwidth="2", fontcolor="#990000")
    return a


# ---------------------------------------------------------------- draw_graph
def _flatten(items) -> list:
    """Tensors out of nested tuples/lists (an LSTM returns (output, (h_n, c_n)))."""
    flat = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            stack.extend(reversed(item))
        else:
            flat.append(item)
    return flat


def _collect(outputs, params, show_constants, collapse, max_nodes, show_saved=False,
             expand_modules=False) -> GraphModel:
    flat = _flatten(outputs)
    if not flat:
        raise ValueError("draw_graph: give at least one output tensor")
    model = build_graph(flat, params, show_constants, show_saved)
    if not expand_modules and collapse is None:  # (collapsed, every module is one box anyway)
        model = fuse_modules(model)
    if collapse is not None:
        if collapse == "module":
            depth = 1
        elif isinstance(collapse, int) and not isinstance(collapse, bool) and collapse >= 1:
            depth = collapse
        else:
            raise ValueError(f"draw_graph: collapse must be None, 'module' or a depth >= 1, "
                             f"got {collapse!r}")
        model = collapse_modules(model, depth)
    if max_nodes is not None:
        if max_nodes < 2:
            raise ValueError(f"draw_graph: max_nodes must be at least 2, got {max_nodes}")
        model = summarise(model, max_nodes)
    return model


def draw_graph(*outputs: Tensor, params=None, show_values: bool = False,
               show_grads: bool = False, show_saved: bool = False, collapse=None,
               max_nodes: int | None = 150, rankdir: str | None = None, style: str = "backward",
               show_constants: bool | None = None, show_attrs: bool = False,
               expand_modules: bool = False) -> GraphDrawing:
    """Draw the graph that produced ``outputs`` as a graphviz Digraph (like torchviz.make_dot,
    which torch itself lacks). Displays inline in Jupyter; ``.render('graph.svg')`` saves it.

    ``params``: a Module (its named_parameters) or a name -> tensor mapping, to label leaves.
    ``style='forward'``: the notes' view, variables -> ops -> output (with ``show_values``).
    ``collapse='module'``: one box per module call (needs ops recorded under ``record(model)``).
    ``max_nodes``: above it, repeated blocks (RNN steps, layers) are summarised.
    ``show_attrs`` / ``show_saved`` (torchviz's flags): each op's plain backward options
    (dim, keepdim, ...) in its label / the tensors it saved for backward as extra nodes (dotted
    edges) and their bytes. Convolution and pooling modules recorded under ``record`` are drawn
    as one node each unless ``expand_modules=True``.
    """
    if graphviz is None:
        raise ImportError("draw_graph needs the graphviz Python package: pip install graphviz "
                          "(print_graph(...) prints the graph as text without it)")
    if style not in ("backward", "forward"):
        raise ValueError(f"draw_graph: style must be 'backward' or 'forward', got {style!r}")
    if rankdir is None:
        rankdir = "LR" if style == "forward" else "TB"
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"draw_graph: rankdir must be TB, LR, BT or RL, got {rankdir!r}")
    if show_constants is None:
        show_constants = style == "forward"
    model = _collect(outputs, params, show_constants, collapse, max_nodes, show_saved,
                     expand_modules)
    g = GraphDrawing(name="graph", format="svg",
                     graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "11",
                                 "nodesep": "0.25", "ranksep": "0.35"},
                     node_attr={"fontname": "Helvetica", "fontsize": "11", "height": "0.3",
                                "margin": "0.08,0.04"},
                     edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#555555",
                                "arrowsize": "0.6"})
    g.graph_model = model
    norms = [n.grad_norm for n in model.nodes.values()
             if n.grad_norm is not None and np.isfinite(n.grad_norm) and n.grad_norm > 0]
    grad_range = (float(np.log10(min(norms))), float(np.log10(max(norms)))) if norms else (0, 0)
    _emit_clusters(g, model, style, show_values, show_grads, show_saved, show_attrs, grad_range)
    for e in model.edges:
        label = _fmt_shape(e.shape) if e.shape is not None and style != "forward" else None
        attrs = {"label": " " + label} if label else {}
        if e.style == "saved":
            attrs.update(style="dotted", color="#e69500", arrowhead="none")
        src = model.nodes[e.src]
        if src.nonfinite:
            attrs["color"] = "#cc0000"
        g.edge(e.src, e.dst, **attrs)
    if model.notes:
        g.attr(label="; ".join(model.notes), labelloc="b", fontsize="10", fontcolor="#666666")
    return g


def draw_model(model, *inputs, **options) -> GraphDrawing:
    """Run ``model(*inputs)`` under ``record(model)`` and draw its outputs' graph, clustered by
    submodule with parameter names (torchview-style; torch has no equivalent). ``options`` are
    draw_graph's (collapse='module', show_values=True, ...)."""
    if not (callable(model) and hasattr(model, "named_parameters")):
        raise TypeError(f"draw_model: expected an nn.Module, got {type(model).__name__}")
    with grad_mode.enable_grad(), record(model):
        out = model(*inputs)
    outs = [o for o in _flatten((out,)) if isinstance(o, Tensor) and o.requires_grad]
    if not outs:
        raise ValueError("draw_model: the model's outputs do not require grad, so there is no "
                         "graph to draw (are all its parameters frozen?)")
    return draw_graph(*outs, **options)


def _emit_clusters(g, model: GraphModel, style, show_values, show_grads, show_saved, show_attrs,
                   grad_range) -> None:
    tree: dict = {}
    members: dict = {}
    for n in model.nodes.values():
        node_tree = tree
        for path in n.scope:
            node_tree = node_tree.setdefault(path, {})
        members.setdefault(n.scope[-1] if n.scope else None, []).append(n)

    def emit(graph, path, subtree) -> None:
        for n in members.get(path, ()):
            graph.node(n.id, _label(n, style, show_values, show_grads, show_saved, show_attrs),
                       **_attrs(n, style, show_grads, grad_range))
        for child, grand in subtree.items():
            cls = model.scope_classes.get(child, "")
            with graph.subgraph(name=f"cluster_{child}") as sub:
                sub.attr(label=f"{child} ({cls})" if cls else child, style="rounded,dashed",
                         color="#7f7f7f", fontcolor="#444444", fontsize="10")
                emit(sub, child, grand)

    emit(g, None, tree)


# ---------------------------------------------------------------- print_graph
def print_graph(*outputs: Tensor, params=None, show_values: bool = False,
                show_grads: bool = False, collapse=None, max_nodes: int | None = 150,
                file=None, expand_modules: bool = False) -> str:
    """Print the graph as an indented tree from the output back to the leaves (works without
    Graphviz); returns the text. Shared subgraphs are printed once and referenced after."""
    model = _collect(outputs, params, False, collapse, max_nodes,
                     expand_modules=expand_modules)
    preds: dict = {}
    for e in model.edges:
        preds.setdefault(e.dst, []).append(e.src)
    roots = [nid for nid, n in model.nodes.items() if n.is_output] or [list(model.nodes)[-1]]
    lines = []
    number = {}
    stack = [(nid, "", True, True) for nid in reversed(roots)]
    while stack:
        nid, prefix, last, top = stack.pop()
        n = model.nodes[nid]
        branch = "" if top else ("└─ " if last else "├─ ")
        text = _text_line(n, show_values, show_grads)
        if nid in number:
            lines.append(f"{prefix}{branch}{text}  (see #{number[nid]} above)")
            continue
        number[nid] = len(number) + 1
        lines.append(f"{prefix}{branch}#{number[nid]} {text}")
        children = preds.get(nid, [])
        child_prefix = prefix + ("" if top else ("   " if last else "│  "))
        for i, c in reversed(list(enumerate(children))):
            stack.append((c, child_prefix, i == len(children) - 1, False))
    text = "\n".join(lines)
    print(text, file=file if file is not None else sys.stdout)
    return text


def _text_line(n: VNode, show_values: bool, show_grads: bool) -> str:
    kind = {"op": "", "param": " [parameter]", "input": " [input]", "constant": " [constant]",
            "module": " [module]", "summary": " [summary]", "more": "",
            "saved": " [saved]"}[n.kind]
    parts = [f"{n.name}{kind}"]
    if n.kind == "module" and n.detail:
        parts[0] += f" ({n.detail})"
    if n.kind in ("summary", "more") and n.detail:
        parts.append(n.detail)
    if n.shape is not None:
        parts.append(f"{_fmt_shape(n.shape)} {_fmt_dtype(n.dtype)}".strip())
    if show_values and n.value is not None:
        parts.append("= " + " ".join(_fmt_value(n.value).split()))
    if show_grads and n.grad_norm is not None:
        parts.append(f"|grad| {n.grad_norm:.3g}")
    if n.site:
        parts.append(n.site if n.kind == "module" else f"@ {n.site}")
    if n.nonfinite:
        parts.append("NaN/Inf!")
    return "  ".join(parts)
