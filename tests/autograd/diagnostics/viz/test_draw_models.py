"""draw_graph on real models: an MLP, a CNN, an LSTM over 50 steps and a transformer block.

Structure is checked (node/edge counts, labels, clusters, summaries), never pixels."""

import re

import numpy as np
import pytest

import autograd as torch
import nn
from autograd import viz


def recorded(model, *inputs):
    with viz.record(model):
        out = model(*inputs)
        out = out[0] if isinstance(out, tuple) else out
        loss = out.sum()
    return loss


def ops_of(g):
    return [n.name for n in g.graph_model.op_nodes()]


def params_of(g):
    return sorted(n.name for n in g.graph_model.nodes.values() if n.kind == "param")


@pytest.fixture
def mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def test_mlp_one_cluster_per_module_and_named_parameters(mlp):
    loss = recorded(mlp, torch.randn(5, 4))
    g = torch.draw_graph(loss)
    assert params_of(g) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    assert g.clusters == {"0", "1", "2"}
    assert 'label="0 (Linear)"' in g.source and 'label="1 (ReLU)"' in g.source
    ops = ops_of(g)
    assert ops[-1] == "SumBackward0" and "ReluBackward0" in ops
    by_scope = {n.scope: n.name for n in g.graph_model.op_nodes() if n.scope}
    assert by_scope[("1",)] == "ReluBackward0"
    assert g.node_count == len(ops) + 4
    assert all(n.shape is not None for n in g.graph_model.op_nodes())


def test_mlp_without_recording_names_leaves_from_the_module(mlp):
    loss = mlp(torch.randn(5, 4)).sum()
    g = torch.draw_graph(loss, params=mlp)
    assert params_of(g) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    assert g.clusters == {"0", "2"}  # inferred from the parameters each op reads


def test_mlp_collapsed_to_one_box_per_module(mlp):
    loss = recorded(mlp, torch.randn(5, 4))
    g = torch.draw_graph(loss, collapse="module")
    boxes = [n for n in g.graph_model.nodes.values() if n.kind == "module"]
    assert [b.name for b in boxes] == ["0", "1", "2"]
    assert [b.detail for b in boxes] == ["Linear", "ReLU", "Linear"]
    assert boxes[0].site.endswith("40 parameters") and boxes[2].shape == (5, 3)
    assert g.node_count == 4 and g.edge_count == 3
    assert "box3d" in g.source


def test_mlp_gradient_overlay_after_backward(mlp):
    loss = recorded(mlp, torch.randn(5, 4))
    loss.backward()
    g = torch.draw_graph(loss, show_grads=True)
    nodes = g.graph_model.nodes.values()
    assert all(n.grad_norm is not None for n in nodes if n.kind in ("op", "param"))
    w = mlp[0].weight
    drawn = next(n for n in nodes if n.name == "0.weight")
    assert drawn.grad_norm == pytest.approx(float(np.linalg.norm(w.grad.data)))
    fills = {line.split("fillcolor=")[1].split()[0] for line in g.source.splitlines()
             if "|grad|" in line}
    assert len(fills) >= 3  # a colour scale, not one colour


def test_cnn_structure():
    torch.manual_seed(0)
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(36, 2))
    loss = recorded(cnn, torch.randn(2, 1, 8, 8))
    g = torch.draw_graph(loss)
    assert g.clusters == {"0", "1", "2", "3", "4"}
    assert params_of(g) == ["0.bias", "0.weight", "4.bias", "4.weight"]
    relu = next(n for n in g.graph_model.op_nodes() if n.scope == ("1",))
    assert relu.shape == (2, 4, 6, 6)
    flat = [n for n in g.graph_model.op_nodes() if n.scope == ("3",)]
    assert flat and flat[-1].shape == (2, 36)
    assert " (2, 4, 6, 6)" in g.source
    g2 = torch.draw_graph(loss, collapse="module")
    assert [n.detail for n in g2.graph_model.nodes.values() if n.kind == "module"] == [
        "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"]


class UnrolledLSTM(nn.Module):
    """An LSTM run step by step with LSTMCell, the way the notes draw it (nn.LSTM itself runs the
    whole sequence as one fused op, so its graph is short)."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.cell = nn.LSTMCell(input_size, hidden_size)

    def forward(self, x):
        h = c = torch.zeros(x.shape[0], self.hidden_size)
        for t in range(x.shape[1]):
            h, c = self.cell(x[:, t], (h, c))
        return h


def test_lstm_over_50_steps_is_summarised_not_a_wall():
    torch.manual_seed(0)
    lstm = UnrolledLSTM(6, 8)
    loss = recorded(lstm, torch.randn(2, 50, 6))
    full = torch.draw_graph(loss, max_nodes=None)
    n_full = len(full.graph_model.op_nodes())
    assert n_full > 150  # at least three ops per time step
    g = torch.draw_graph(loss, max_nodes=100)
    assert g.node_count <= 100
    summaries = [n for n in g.graph_model.nodes.values() if n.kind == "summary"]
    assert summaries and summaries[0].name == "48 more repeats"
    period = int(re.search(r"block of (\d+) op", summaries[0].detail).group(1))
    # the recurrent step: its matmul with weight_hh is inside the repeated block
    assert summaries[0].members == 48 * period and "MmBackward0" in summaries[0].detail
    assert params_of(g) == ["cell.bias_hh", "cell.bias_ih", "cell.weight_hh", "cell.weight_ih"]
    # everything not folded is still drawn: the first and last steps around the summary
    folded = sum(s.members for s in summaries)
    assert len(g.graph_model.op_nodes()) == n_full - folded
    assert "summarised" in g.source


def transformer_block():
    torch.manual_seed(0)
    block = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)
    return block, recorded(block, torch.randn(2, 5, 16))


def test_transformer_block_clusters_by_submodule():
    block, loss = transformer_block()
    g = torch.draw_graph(loss)
    assert {"self_attn", "linear1", "linear2", "norm1", "norm2"} <= g.clusters
    assert 'label="self_attn (MultiheadAttention)"' in g.source
    assert params_of(g) == sorted(n for n, _ in block.named_parameters())
    attn_ops = [n for n in g.graph_model.op_nodes() if n.scope[:1] == ("self_attn",)]
    assert len(attn_ops) >= 5
    assert g.graph_model.op_nodes()[-1].is_output


def test_transformer_block_collapsed_reads_like_the_architecture():
    _, loss = transformer_block()
    g = torch.draw_graph(loss, collapse="module")
    boxes = [n for n in g.graph_model.nodes.values() if n.kind == "module"]
    names = [b.name for b in boxes]
    assert names.index("self_attn") < names.index("norm1") < names.index("linear1") < \
        names.index("linear2") < names.index("norm2")
    assert all(b.shape == (2, 5, 16) for b in boxes if b.name in ("self_attn", "norm1", "norm2"))
    assert g.node_count < 20


@pytest.mark.skipif(viz.renderer_available() is None, reason="no Graphviz renderer")
def test_transformer_and_lstm_render_to_svg(tmp_path):
    _, loss = transformer_block()
    torch.draw_graph(loss).render(str(tmp_path / "block.svg"))
    assert "cluster_self_attn" in (tmp_path / "block.svg").read_text()
    torch.manual_seed(0)
    lstm = UnrolledLSTM(6, 8)
    svg = torch.draw_graph(recorded(lstm, torch.randn(2, 50, 6)))._repr_svg_()
    assert "48 more repeats" in svg


def test_draw_model_records_and_draws_in_one_call(mlp):
    g = viz.draw_model(mlp, torch.randn(5, 4), collapse="module")
    assert [n.detail for n in g.graph_model.nodes.values() if n.kind == "module"] == [
        "Linear", "ReLU", "Linear"]
    lstm = nn.LSTM(3, 4)
    g = viz.draw_model(lstm, torch.randn(6, 1, 3))
    assert sum(n.is_output for n in g.graph_model.nodes.values()) == 3  # output, h_n, c_n
    with pytest.raises(TypeError, match="nn.Module"):
        viz.draw_model(lambda x: x, torch.randn(2))
