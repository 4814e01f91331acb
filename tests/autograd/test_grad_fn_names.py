"""grad_fn.name() matches torch's node name where one of our nodes corresponds to torch's."""

import pytest

import autograd
import nn.functional as AF

torch = pytest.importorskip("torch")
TF = torch.nn.functional

CASES = {
    "add": lambda m, F, v: v["x"] + v["y"], "add_scalar": lambda m, F, v: v["x"] + 1,
    "sub": lambda m, F, v: v["x"] - v["y"], "mul": lambda m, F, v: v["x"] * v["y"],
    "div": lambda m, F, v: v["x"] / v["y"], "neg": lambda m, F, v: -v["x"],
    "pow": lambda m, F, v: v["x"] ** 2, "pow_tensor": lambda m, F, v: v["x"].abs() ** v["y"],
    "rpow_tensor": lambda m, F, v: 2 ** v["x"], "exp": lambda m, F, v: v["x"].exp(),
    "log": lambda m, F, v: v["x"].abs().log(), "sqrt": lambda m, F, v: v["x"].abs().sqrt(),
    "matmul": lambda m, F, v: v["x"] @ v["w"], "mm": lambda m, F, v: v["x"].mm(v["w"]),
    "bmm": lambda m, F, v: m.bmm(v["x"].unsqueeze(0), v["w"].unsqueeze(0)),
    "addmm": lambda m, F, v: m.addmm(v["b"], v["x"], v["w"]),
    "linear": lambda m, F, v: F.linear(v["x"], v["w"].t(), v["b"]),
    "linear_no_bias": lambda m, F, v: F.linear(v["x"], v["w"].t()),
    "sum": lambda m, F, v: v["x"].sum(), "sum_dim": lambda m, F, v: v["x"].sum(1),
    "mean": lambda m, F, v: v["x"].mean(), "mean_dim": lambda m, F, v: v["x"].mean(0),
    "max": lambda m, F, v: v["x"].max(), "max_dim": lambda m, F, v: v["x"].max(1)[0],
    "min": lambda m, F, v: v["x"].min(), "min_dim": lambda m, F, v: v["x"].min(1).values,
    "amax": lambda m, F, v: v["x"].amax(1), "amin": lambda m, F, v: v["x"].amin(1),
    "median": lambda m, F, v: v["x"].median(), "median_dim": lambda m, F, v: v["x"].median(1)[0],
    "relu": lambda m, F, v: F.relu(v["x"]), "sigmoid": lambda m, F, v: v["x"].sigmoid(),
    "tanh": lambda m, F, v: v["x"].tanh(), "softmax": lambda m, F, v: F.softmax(v["x"], -1),
    "log_softmax": lambda m, F, v: F.log_softmax(v["x"], -1),
    "gelu": lambda m, F, v: F.gelu(v["x"]),
    "view": lambda m, F, v: v["x"].view(12), "reshape": lambda m, F, v: v["x"].reshape(2, 6),
    "flatten": lambda m, F, v: v["x"].flatten(), "permute": lambda m, F, v: v["x"].permute(1, 0),
    "transpose": lambda m, F, v: v["x"].transpose(0, 1), "t": lambda m, F, v: v["x"].t(),
    "unsqueeze": lambda m, F, v: v["x"].unsqueeze(0),
    "squeeze_dim": lambda m, F, v: v["x"].unsqueeze(0).squeeze(0),
    "squeeze": lambda m, F, v: v["x"].unsqueeze(0).squeeze(),
    "cat": lambda m, F, v: m.cat([v["x"], v["y"]]),
    "stack": lambda m, F, v: m.stack([v["x"], v["y"]]),
    "index_tensor": lambda m, F, v: v["x"][v["idx"]],
    "index_mask": lambda m, F, v: v["x"][v["x"] > 0],
    "slice": lambda m, F, v: v["x"][1:], "select": lambda m, F, v: v["x"][0],
    "select_then_full": lambda m, F, v: v["x"][0, :], "select_last": lambda m, F, v: v["x"][1:, 0],
    "expand": lambda m, F, v: v["x"][:1].expand(3, 4),
    "masked_fill": lambda m, F, v: v["x"].masked_fill(v["x"] > 0, 0.0),
    "where": lambda m, F, v: m.where(v["x"] > 0, v["x"], v["y"]),
    "clamp": lambda m, F, v: v["x"].clamp(-1, 1), "clamp_min": lambda m, F, v: v["x"].clamp(min=0),
    "cross_entropy": lambda m, F, v: F.cross_entropy(v["x"], v["tgt"]),
    "layer_norm": lambda m, F, v: F.layer_norm(v["x"], (4,)),
    "norm": lambda m, F, v: v["x"].norm(), "cumsum": lambda m, F, v: v["x"].cumsum(1),
    "var": lambda m, F, v: v["x"].var(),
    "gather": lambda m, F, v: v["x"].gather(1, v["tgt"].view(3, 1)),
    "split": lambda m, F, v: v["x"].split(2)[0], "silu": lambda m, F, v: F.silu(v["x"]),
}


def _values(m):
    m.manual_seed(0)
    return {"x": m.randn(3, 4, requires_grad=True), "y": m.randn(3, 4, requires_grad=True),
            "w": m.randn(4, 5, requires_grad=True), "b": m.randn(5, requires_grad=True),
            "idx": m.tensor([0, 2]), "tgt": m.tensor([1, 0, 3])}


@pytest.mark.parametrize("case", sorted(CASES))
def test_grad_fn_name_matches_torch(case):
    ref = CASES[case](torch, TF, _values(torch)).grad_fn.name()
    ours = CASES[case](autograd, AF, _values(autograd)).grad_fn.name()
    assert ours == ref


def test_an_op_returning_its_input_keeps_the_input_node_name():
    x = autograd.ones(3, requires_grad=True) * 2
    assert x.squeeze().grad_fn.name() == "MulBackward0"  # nothing to squeeze: x itself
