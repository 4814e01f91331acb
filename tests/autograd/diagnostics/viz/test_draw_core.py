"""draw_graph / print_graph on graphs built from tensors alone: structure, labels, options."""

import numpy as np
import pytest

import autograd as torch
from autograd import viz


def notes_example(record: bool):
    a = torch.tensor(5.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    c = torch.tensor(2.0, requires_grad=True)
    if record:
        with viz.record():
            J = 3 * (a + b * c)
    else:
        J = 3 * (a + b * c)
    return J, {"a": a, "b": b, "c": c}


def kinds(g):
    out = {}
    for n in g.graph_model.nodes.values():
        out.setdefault(n.kind, []).append(n)
    return out


def test_forward_view_of_the_notes_example_has_variables_ops_and_values():
    J, names = notes_example(record=True)
    g = torch.draw_graph(J, style="forward", show_values=True, params=names)
    k = kinds(g)
    assert sorted(n.name for n in k["param"]) == ["a", "b", "c"]
    assert [n.name for n in k["op"]] == ["MulBackward0", "AddBackward0", "MulBackward0"]
    assert [float(n.value) for n in k["op"]] == [6.0, 11.0, 33.0]
    assert [float(n.value) for n in k["constant"]] == [3.0]
    assert k["op"][-1].is_output
    assert g.edge_count == 6
    src = g.source
    assert "rankdir=LR" in src
    assert "Mul\\n= 6" in src and "Add\\n= 11" in src and "= 33" in src
    assert 'label="a = 5"' in src


def test_forward_view_without_recording_recovers_every_value():
    J, names = notes_example(record=False)
    g = torch.draw_graph(J, style="forward", show_values=True, params=names)
    ops = kinds(g)["op"]
    # 33 is the output, 11 was saved by the final multiply, b*c = 6 (saved by nobody) is
    # recomputed from b and c
    assert [float(n.value) for n in ops] == [6.0, 11.0, 33.0]
    assert all(n.shape == () for n in ops)


def mlp_graph():
    torch.manual_seed(0)
    x = torch.randn(8, 4)
    w1 = torch.randn(4, 16, requires_grad=True)
    b1 = torch.zeros(16, requires_grad=True)
    w2 = torch.randn(16, 3, requires_grad=True)
    loss = ((x @ w1 + b1).relu() @ w2).sum()
    return loss, {"fc1.weight": w1, "fc1.bias": b1, "fc2.weight": w2}


def test_backward_graph_has_one_node_per_op_with_shapes_and_named_leaves():
    loss, params = mlp_graph()
    g = torch.draw_graph(loss, params=params)
    k = kinds(g)
    assert [n.name for n in k["op"]] == ["MmBackward0", "AddBackward0", "ReluBackward0",
                                         "MmBackward0", "SumBackward0"] or \
        [n.name for n in k["op"]] == ["MatMulBackward0", "AddBackward0", "ReluBackward0",
                                      "MatMulBackward0", "SumBackward0"]
    shapes = [n.shape for n in k["op"]]
    assert shapes == [(8, 16), (8, 16), (8, 16), (8, 3), ()]
    assert all(n.dtype == np.float32 for n in k["op"])
    assert sorted(n.name for n in k["param"]) == ["fc1.bias", "fc1.weight", "fc2.weight"]
    assert g.node_count == 8 and g.edge_count == 7
    assert " (8, 16)" in g.source and " (16, 3)" in g.source
    # without recorded scopes, ops that read a named parameter fall into its module's cluster
    assert g.clusters == {"fc1", "fc2"}
    assert "subgraph cluster_fc1" in g.source


def test_inputs_parameters_and_constants_are_styled_apart():
    w = torch.randn(3, requires_grad=True)
    x = torch.randn(3, requires_grad=True)
    with viz.record():
        y = (w * x * torch.tensor([1.0, 2.0, 3.0])).sum()
    g = torch.draw_graph(y, params={"w": w}, show_constants=True)
    k = kinds(g)
    assert [n.name for n in k["param"]] == ["w"] and [n.name for n in k["input"]] == ["input"]
    assert len(k["constant"]) == 1
    lines = {line.split()[0]: line for line in g.source.splitlines()
             if "[label=" in line and "->" not in line}
    styles = {n.kind: lines[n.id] for kind in ("param", "input", "constant") for n in k[kind]}
    assert len({s.split("fillcolor=")[1].split()[0] for s in styles.values()}) == 3
    assert "dashed" in styles["input"]


def test_gradient_norms_and_saved_bytes_are_overlaid():
    loss, params = mlp_graph()
    g = torch.draw_graph(loss, params=params, show_saved=True)
    assert "saved 512 B" in g.source  # ReLU keeps its (8, 16) float32 output
    loss.backward()
    g = torch.draw_graph(loss, params=params, show_grads=True, show_saved=True)
    w1 = params["fc1.weight"]
    assert f"|grad| {np.linalg.norm(w1.grad.data):.3g}" in g.source
    assert "saved: freed" in g.source
    colours = {n.name: n for n in kinds(g)["param"]}
    assert colours["fc1.weight"].grad_norm == pytest.approx(float(np.linalg.norm(w1.grad.data)))


def test_recorded_backward_gives_every_op_a_gradient_norm():
    loss, params = mlp_graph()
    with viz.record():
        loss = ((torch.randn(8, 4) @ params["fc1.weight"]).tanh() * 2).sum()
    loss.backward()
    g = torch.draw_graph(loss, show_grads=True)
    assert all(n.grad_norm is not None for n in kinds(g)["op"])


def test_nan_and_inf_are_highlighted_in_red():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with viz.record():
        y = x.log().sum()
    g = torch.draw_graph(y)
    bad = [n.name for n in g.graph_model.nodes.values() if n.nonfinite]
    assert bad == ["LogBackward0", "SumBackward0"]
    assert g.source.count("#cc0000") >= 3  # two node borders and the edge between them
    assert "NaN/Inf!" in g.source


def test_repeated_structure_is_summarised_under_max_nodes():
    torch.manual_seed(0)
    W = torch.randn(6, 6, requires_grad=True)
    x = torch.randn(50, 2, 6)
    h = torch.zeros(2, 6)
    for t in range(50):
        h = (h @ W + x[t]).tanh()
    loss = h.sum()
    full = torch.draw_graph(loss, max_nodes=None)
    assert len(full.graph_model.op_nodes()) == 151
    g = torch.draw_graph(loss, max_nodes=40)
    assert g.node_count <= 40
    summaries = [n for n in g.graph_model.nodes.values() if n.kind == "summary"]
    assert len(summaries) == 1
    assert summaries[0].name == "48 more repeats"
    assert "block of 3 ops" in summaries[0].detail
    assert "summarised" in g.source


def test_truncation_when_nothing_repeats():
    torch.manual_seed(0)
    x = torch.randn(3, requires_grad=True)
    y = x
    for i in range(30):
        y = [y.exp(), y.tanh(), y.sigmoid(), y * 2.0, y + 1.0][i % 5] if i % 7 else y.relu()
    g = torch.draw_graph(y.sum(), max_nodes=10)
    assert g.node_count <= 10
    more = [n for n in g.graph_model.nodes.values() if n.kind == "more"]
    assert more and "not drawn" in more[0].detail


def test_print_graph_is_a_tree_that_references_shared_nodes(capsys):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    y = (h * h + h).sum()
    text = torch.print_graph(y, params={"x": x}, show_values=True)
    assert capsys.readouterr().out.strip() == text
    lines = text.splitlines()
    assert lines[0].startswith("#1 SumBackward0")
    assert any("see #" in line for line in lines)
    assert sum("ExpBackward0" in line for line in lines) == 3
    assert sum(line.lstrip("│ ├└─").startswith("#") and "ExpBackward0" in line
               for line in lines) == 1
    assert "x [parameter]  (2,) float32" in text


def test_bad_arguments_are_refused():
    loss, _ = mlp_graph()
    with pytest.raises(ValueError, match="style"):
        torch.draw_graph(loss, style="sideways")
    with pytest.raises(ValueError, match="collapse"):
        torch.draw_graph(loss, collapse="layers")
    with pytest.raises(ValueError, match="rankdir"):
        torch.draw_graph(loss, rankdir="XY")
    with pytest.raises(TypeError, match="Tensors"):
        torch.draw_graph(np.ones(3))
    with pytest.raises(TypeError, match="params"):
        torch.draw_graph(loss, params={"w": np.ones(3)})
