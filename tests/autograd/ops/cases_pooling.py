"""Op cases for max pooling with indices (the strided running-maximum op and its adjoint pair)."""

from tests.helpers.optable import OpCase


def _with_indices(L, dims):
    if L.__name__ == "torch":
        return getattr(L.nn.functional, f"max_pool{dims}d_with_indices")
    return getattr(L, f"max_pool{dims}d_with_indices")


CASES = [
    OpCase("max_pool2d", lambda L, x: L.max_pool2d(x, 2), [(2, 3, 4, 6)], domain="distinct"),
    OpCase("max_pool2d-overlap", lambda L, x: L.max_pool2d(x, 3, 1), [(1, 2, 5, 4)],
           domain="distinct"),
    OpCase("max_pool2d-pad-dilation",
           lambda L, x: L.max_pool2d(x, (3, 2), (2, 1), (1, 1), (1, 2)), [(2, 1, 6, 7)],
           domain="distinct"),
    OpCase("max_pool2d-ceil", lambda L, x: L.max_pool2d(x, 2, 2, 1, 1, True), [(1, 2, 5, 5)],
           domain="distinct"),
    OpCase("max_pool2d-unbatched", lambda L, x: L.max_pool2d(x, (2, 3)), [(2, 4, 6)],
           domain="distinct"),
    OpCase("max_pool2d-indices",
           lambda L, x: _with_indices(L, 2)(x, 3, 2, 1, 1, True), [(2, 2, 7, 6)],
           domain="distinct"),
    OpCase("max_pool1d", lambda L, x: L.max_pool1d(x, 3, 2, 1), [(2, 3, 9)], domain="distinct"),
    OpCase("max_pool1d-indices", lambda L, x: _with_indices(L, 1)(x, 2, 1, 0, 2, True),
           [(3, 8)], domain="distinct"),
]


def _pool_grad(L, x):
    """The gradient of a pooling loss as a function of x: its graph holds PoolScatter, and
    differentiating it again runs PoolGather."""
    y = L.max_pool2d(x, 2, 1)
    return L.autograd.grad((y * y).sum(), x, create_graph=True)[0]


CASES.append(OpCase("max_pool2d-grad", _pool_grad, [(1, 2, 4, 5)], domain="distinct"))


def _pool_grad_grad(L, x):
    """The gradient of a loss on the pooling gradient: differentiating PoolScatter records
    PoolGather, so this graph holds both adjoints."""
    g = _pool_grad(L, x)
    return L.autograd.grad((g * g).sum(), x, create_graph=True)[0]


CASES.append(OpCase("max_pool2d-grad-grad", _pool_grad_grad, [(1, 2, 4, 5)], domain="distinct"))
