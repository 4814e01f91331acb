"""Op cases for the core ops (arithmetic, basic shape, sum/mean, matmul, indexing)."""

from tests.helpers.optable import OpCase

CASES = [
    OpCase("add", lambda L, a, b: L.add(a, b), [(3, 4), (4,)]),
    OpCase("add-alpha", lambda L, a, b: L.add(a, b, alpha=2.5), [(2, 3), (2, 3)]),
    OpCase("add-scalar", lambda L, a: a + 2.0, [(3,)]),
    OpCase("radd", lambda L, a: 1.5 + a, [(2, 2)]),
    OpCase("sub", lambda L, a, b: a - b, [(2, 1, 3), (4, 1)]),
    OpCase("rsub", lambda L, a: 3 - a, [(3,)]),
    OpCase("mul", lambda L, a, b: a * b, [(3, 4), (3, 1)]),
    OpCase("mul-0d", lambda L, a, b: a * b, [(), (2, 3)]),
    OpCase("div", lambda L, a, b: a / b, [(3, 4), (4,)], domain=["any", "nonzero"]),
    OpCase("rdiv", lambda L, a: 2.0 / a, [(3,)], domain="nonzero"),
    OpCase("neg", lambda L, a: -a, [(2, 3)]),
    OpCase("pow-scalar", lambda L, a: a ** 3, [(3, 2)]),
    OpCase("pow-frac", lambda L, a: a ** 0.5, [(4,)], domain="positive"),
    OpCase("pow-tensor", lambda L, a, b: L.pow(a, b), [(3,), (2, 3)], domain=["positive", "any"]),
    OpCase("rpow", lambda L, a: 2.0 ** a, [(3,)]),
    OpCase("exp", lambda L, a: a.exp(), [(2, 3)]),
    OpCase("log", lambda L, a: L.log(a), [(2, 3)], domain="positive"),
    OpCase("tanh", lambda L, a: L.tanh(a), [(5,)]),
    OpCase("tanh-0d", lambda L, a: (a * a).sum().tanh(), [(3,)]),
    OpCase("exp-0d", lambda L, a: a.exp(), [()]),
    OpCase("sigmoid", lambda L, a: L.sigmoid(a), [(2, 3)]),
    OpCase("relu", lambda L, a: L.relu(a), [(3, 4)], domain="distinct"),
    OpCase("where", lambda L, a, b: L.where(a > 0, a, b), [(3, 4), (4,)], domain="distinct"),
    OpCase("cast", lambda L, a: a.to(L.float32) * 2.0, [(3,)], eps=1e-3, atol=1e-3),
    OpCase("sum", lambda L, a: a.sum(), [(3, 4)]),
    OpCase("sum-dim", lambda L, a: a.sum(dim=1, keepdim=True), [(3, 4, 2)]),
    OpCase("sum-dims", lambda L, a: L.sum(a, (0, 2)), [(3, 4, 2)]),
    OpCase("mean", lambda L, a: a.mean(-1), [(3, 4)]),
    OpCase("mean-all", lambda L, a: L.mean(a), [(2, 3)]),
    OpCase("reshape", lambda L, a: a.reshape(4, -1), [(2, 3, 2)]),
    OpCase("view", lambda L, a: a.view(-1), [(2, 3)]),
    OpCase("expand", lambda L, a: a.expand(2, 3, 4), [(3, 1)]),
    OpCase("permute", lambda L, a: a.permute(2, 0, 1), [(2, 3, 4)]),
    OpCase("transpose", lambda L, a: a.transpose(0, 1), [(2, 3)]),
    OpCase("T", lambda L, a: a.T, [(2, 3)]),
    OpCase("unsqueeze", lambda L, a: a.unsqueeze(1), [(2, 3)]),
    OpCase("squeeze", lambda L, a: a.squeeze(), [(2, 1, 3)]),
    OpCase("flatten", lambda L, a: L.flatten(a, 1), [(2, 3, 2)]),
    OpCase("clone", lambda L, a: a.clone(), [(2, 2)]),
    OpCase("matmul-2d", lambda L, a, b: a @ b, [(3, 4), (4, 2)]),
    OpCase("matmul-batched", lambda L, a, b: L.matmul(a, b), [(2, 1, 3, 4), (3, 4, 5)]),
    OpCase("matmul-vec", lambda L, a, b: a @ b, [(4,), (4, 3)]),
    OpCase("matmul-matvec", lambda L, a, b: a @ b, [(2, 3, 4), (4,)]),
    OpCase("matmul-dot", lambda L, a, b: a @ b, [(4,), (4,)]),
    OpCase("getitem-basic", lambda L, a: a[1:, None, ..., 0], [(3, 4, 2)]),
    OpCase("getitem-int", lambda L, a: a[-1], [(3, 4)]),
    OpCase("getitem-advanced", lambda L, a, i: a[i], [(4, 3)], ints=[[0, 2, 2, 3]]),
    OpCase("getitem-mixed", lambda L, a, i: a[:, i], [(2, 4)], ints=[[1, 1, 3]]),
    OpCase("getitem-mask", lambda L, a: a[a > 0], [(3, 4)], domain="distinct"),
    OpCase("setitem", lambda L, a, b: _setitem(a, b), [(3, 4), (4,)]),
]


def _setitem(a, b):
    c = a * 1
    c[1] = b * 2
    return c
