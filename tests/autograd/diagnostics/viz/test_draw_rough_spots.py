"""Drawing details users hit: every op's shape known (from the node's ``output_meta``), one box
per module call, constants drawn as nodes their arrows touch, convolutions as one node unless
expanded, and torchviz's ``show_attrs`` / ``show_saved``."""

import json

import pytest

import autograd as torch
import nn
import nn.functional as F
from autograd import viz


def _ops(g):
    return g.graph_model.op_nodes()


def test_every_node_keeps_its_output_shapes_and_dtypes():
    x = torch.randn(2, 3, requires_grad=True)
    y = torch.cat([x, x * 2], dim=0).reshape(3, 4).transpose(0, 1)[1:].softmax(dim=-1)
    a, b = y.split(2, dim=1)
    assert y.grad_fn.output_meta == (((3, 3), torch.float32),)
    assert a.grad_fn.output_meta == (((3, 2), torch.float32), ((3, 1), torch.float32))


def test_no_op_is_drawn_with_an_unknown_shape_even_after_backward_freed_the_graph():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(18, 4), nn.LayerNorm(4))
    x = torch.randn(2, 1, 5, 5)
    loss = F.cross_entropy(model(x).reshape(2, 2, 2).mean(-1), torch.tensor([0, 1]))
    loss.backward()                                   # saved tensors are freed now
    for expand in (True, False):
        g = torch.draw_graph(loss, params=model, expand_modules=expand)
        assert all(n.shape is not None and n.dtype is not None for n in _ops(g))
        assert "?" not in g.source
    assert "?" not in torch.print_graph(loss, params=model, file=open("/dev/null", "w"))


def test_a_module_called_twice_is_two_boxes_when_collapsed_not_a_cycle():
    torch.manual_seed(0)

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = nn.Linear(4, 4)
            self.act = nn.Tanh()

        def forward(self, x):
            return self.block(self.act(self.block(x)))

    model = Twice()
    with viz.record(model):
        loss = model(torch.randn(3, 4)).sum()
    g = torch.draw_graph(loss, collapse="module")
    boxes = {n.name: n.id for n in g.graph_model.nodes.values() if n.kind == "module"}
    assert sorted(boxes) == ["act", "block (call 1)", "block (call 2)"]
    edges = {(e.src, e.dst) for e in g.graph_model.edges}
    assert (boxes["block (call 1)"], boxes["act"]) in edges
    assert (boxes["act"], boxes["block (call 2)"]) in edges
    # acyclic: a topological order exists
    preds = {nid: {s for s, d in edges if d == nid} for nid in g.graph_model.nodes}
    done = set()
    while len(done) < len(preds):
        ready = [n for n, p in preds.items() if n not in done and p <= done]
        assert ready, "the collapsed drawing has a cycle"
        done.update(ready)
    # the parameters are counted in both boxes' captions, held by the first
    sites = [n.site for n in g.graph_model.nodes.values() if n.kind == "module"]
    assert sum("20 parameters" in s for s in sites) == 2


def _forward_notes_drawing():
    a = torch.tensor(5.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    c = torch.tensor(2.0, requires_grad=True)
    with viz.record():
        J = 3 * (a + b * c)
    return torch.draw_graph(J, style="forward", show_values=True,
                            params={"a": a, "b": b, "c": c})


def test_forward_view_constant_is_a_node_with_its_edge():
    g = _forward_notes_drawing()
    const = next(n for n in g.graph_model.nodes.values() if n.kind == "constant")
    out = next(n for n in _ops(g) if n.is_output)
    assert any(e.src == const.id and e.dst == out.id for e in g.graph_model.edges)
    line = next(x for x in g.source.splitlines() if x.strip().startswith(const.id + " "))
    assert "plaintext" not in line and "shape=ellipse" in line


@pytest.mark.skipif(viz.renderer_available() is None, reason="no Graphviz renderer")
def test_forward_view_constant_arrow_starts_on_the_constant_outline():
    g = _forward_notes_drawing()
    const = next(n for n in g.graph_model.nodes.values() if n.kind == "constant")
    layout = json.loads(g.pipe(format="json", encoding="utf-8"))
    node = next(o for o in layout["objects"] if o["name"] == const.id)
    cx, cy = map(float, node["pos"].split(","))
    rx, ry = float(node["width"]) * 36, float(node["height"]) * 36   # inches -> points / 2
    edge = next(e for e in layout["edges"] if e["tail"] == node["_gvid"])
    # pos: optional "s,x,y" / "e,x,y" end points, then the spline from the tail
    first = next(t for t in edge["pos"].split() if not t.startswith("e,"))
    x, y = map(float, first.split(",")[-2:])
    # the spline's first point lies on the constant's ellipse (within a point)
    assert abs(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 - 1) < 0.1


def _recorded_cnn():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.ConvTranspose2d(3, 1, 2))
    with viz.record(model):
        loss = model(torch.randn(2, 1, 6, 6)).sum()
    return model, loss


def test_convolution_and_pooling_modules_are_one_node_each_unless_expanded():
    model, loss = _recorded_cnn()
    g = torch.draw_graph(loss)
    names = [n.name for n in _ops(g)]
    assert names == ["Conv2d", "ReluBackward0", "MaxPool2d", "ConvTranspose2d", "SumBackward0"]
    conv = _ops(g)[0]
    assert conv.shape == (2, 3, 4, 4) and conv.scope == ("0",)
    # its weight and bias still feed it, with their names
    feeds = {g.graph_model.nodes[e.src].name for e in g.graph_model.edges if e.dst == conv.id}
    assert feeds == {"0.weight", "0.bias"}   # (the input needs no grad: not drawn)
    assert "expand_modules=True" in g.source
    expanded = torch.draw_graph(loss, expand_modules=True)
    assert len(_ops(expanded)) > 6 and "Conv2d" not in [n.name for n in _ops(expanded)]
    assert "Conv2d" in torch.print_graph(loss, file=open("/dev/null", "w"))
    collapsed = torch.draw_graph(loss, collapse="module")
    assert [n.detail for n in collapsed.graph_model.nodes.values() if n.kind == "module"] == [
        "Conv2d", "ReLU", "MaxPool2d", "ConvTranspose2d"]


def test_show_attrs_puts_each_ops_options_in_its_label():
    x = torch.randn(3, 4, requires_grad=True)
    y = x.sum(dim=1, keepdim=True).sum()
    plain = torch.draw_graph(y).source
    shown = torch.draw_graph(y, show_attrs=True).source
    assert "keepdim=True" not in plain and "keepdim=True" in shown


def test_show_saved_draws_the_saved_tensors_as_nodes():
    w = torch.randn(3, requires_grad=True)
    x = torch.randn(3)
    y = (w * x).tanh().sum()
    g = torch.draw_graph(y, show_saved=True)
    saved = [n for n in g.graph_model.nodes.values() if n.kind == "saved"]
    assert {n.name for n in saved} >= {"its output"}        # tanh saves its output
    assert all(n.shape == (3,) for n in saved)
    assert "style=dotted" in g.source and "saved " in g.source
    assert not [n for n in torch.draw_graph(y).graph_model.nodes.values() if n.kind == "saved"]
    y.backward()                                              # freed: nothing left to draw
    after = torch.draw_graph(y, show_saved=True)
    assert not [n for n in after.graph_model.nodes.values() if n.kind == "saved"]
    assert "saved: freed" in after.source
