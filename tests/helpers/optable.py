"""The table-driven op check: one OpCase tests an op by finite differences (float64, first and
second order), against PyTorch (values and gradients), and for float32 dtype preservation.

``fn(L, *inputs)`` is written once and run with L = autograd and L = torch, so the same line
checks that the two libraries agree on names and signatures too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import autograd
from tests.helpers.torch_ref import to_torch, torch

DOMAINS = {
    "any": lambda rng, s: rng.standard_normal(s),
    "positive": lambda rng, s: rng.uniform(0.5, 2.0, s),
    "unit": lambda rng, s: rng.uniform(-0.9, 0.9, s),
    "nonzero": lambda rng, s: rng.choice([-1.0, 1.0], s) * rng.uniform(0.5, 2.0, s),
    # values well apart so max/sort/relu kinks are not hit by finite differences
    "distinct": lambda rng, s: (rng.permutation(int(np.prod(s))).reshape(s) * 0.37 - 1.3
                                + rng.uniform(-0.05, 0.05, s)),
}


@dataclass
class OpCase:
    """One op call to check. ``shapes`` gives the float inputs; ``ints`` extra integer inputs
    (fixed arrays) passed after them."""

    name: str
    fn: Callable
    shapes: list
    domain: str | list = "any"
    ints: list = field(default_factory=list)
    gradgrad: bool = True
    grad: bool = True
    atol: float = 1e-5
    rtol: float = 1e-3
    eps: float = 1e-6
    torch_fn: Callable | None = None
    parity: bool = True

    @property
    def id(self) -> str:
        return f"{self.name}-{'x'.join(str(s) for s in self.shapes)}"

    def arrays(self, seed: int = 0) -> list:
        rng = np.random.default_rng(seed)
        domains = self.domain if isinstance(self.domain, list) else [self.domain] * len(self.shapes)
        return [np.asarray(DOMAINS[d](rng, s), dtype=np.float64)
                for d, s in zip(domains, self.shapes)]

    def inputs(self, dtype=np.float64, requires_grad=True) -> list:
        xs = [autograd.tensor(a.astype(dtype), requires_grad=requires_grad and self.grad)
              for a in self.arrays()]
        return xs + [autograd.tensor(np.asarray(i)) for i in self.ints]

    def call(self, xs):
        return self.fn(autograd, *xs)


def _first(out):
    return out[0] if isinstance(out, (tuple, list)) else out


def _tensors(out):
    items = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in items if isinstance(o, autograd.Tensor)]


def check_gradients(case: OpCase) -> None:
    xs = case.inputs()
    n = len(case.shapes)

    def f(*diff):
        return tuple(o for o in _tensors(case.fn(autograd, *diff, *xs[n:]))
                     if o.dtype.kind == "f")

    assert autograd.gradcheck(f, tuple(xs[:n]), eps=case.eps, atol=case.atol, rtol=case.rtol)
    if case.gradgrad:
        assert autograd.gradgradcheck(f, tuple(xs[:n]), eps=case.eps, atol=case.atol,
                                      rtol=case.rtol)


def check_parity(case: OpCase) -> None:
    xs = case.inputs()
    txs = [to_torch(x) for x in xs]
    ours = _tensors(case.fn(autograd, *xs))
    tfn = case.torch_fn or case.fn
    theirs = tfn(torch, *txs)
    theirs = [o for o in (theirs if isinstance(theirs, (tuple, list)) else (theirs,))
              if isinstance(o, torch.Tensor)]
    assert len(ours) == len(theirs), f"{case.name}: {len(ours)} outputs vs torch's {len(theirs)}"
    for o, t in zip(ours, theirs):
        assert tuple(o.shape) == tuple(t.shape), f"{case.name}: shape {o.shape} vs {t.shape}"
        assert o.dtype.name == str(t.dtype).replace("torch.", ""), \
            f"{case.name}: dtype {o.dtype} vs {t.dtype}"
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-6,
                                   atol=1e-8, err_msg=f"{case.name}: values differ from torch")
    if not case.grad:
        return
    rng = np.random.default_rng(1)
    diff = [(o, t) for o, t in zip(ours, theirs) if o.requires_grad]
    if not diff:
        return
    weights = [rng.standard_normal(o.shape) for o, _ in diff]
    loss = sum((o * autograd.tensor(w)).sum() for (o, _), w in zip(diff, weights))
    tloss = sum((t * torch.from_numpy(w)).sum() for (_, t), w in zip(diff, weights))
    n = len(case.shapes)
    grads = autograd.grad(loss, xs[:n], allow_unused=True)
    tgrads = torch.autograd.grad(tloss, txs[:n], allow_unused=True)
    for i, (g, tg) in enumerate(zip(grads, tgrads)):
        if tg is None:
            assert g is None or np.allclose(g.numpy(), 0), f"{case.name}: grad {i} should be None"
            continue
        assert g is not None, f"{case.name}: missing grad for input {i}"
        if tg._is_zerotensor():  # torch's symbolic zero gradient (e.g. sgn) has no storage
            tg = torch.zeros(tg.shape, dtype=tg.dtype)
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-6, atol=1e-8,
                                   err_msg=f"{case.name}: grad of input {i} differs from torch")


def check_float32(case: OpCase) -> None:
    xs = case.inputs(np.float32)
    for o in _tensors(case.call(xs)):
        if o.dtype.kind == "f":
            assert o.dtype == np.float32, f"{case.name}: float32 input gave {o.dtype}"


def node_types(outputs) -> set:
    """Every Function class in the graphs behind ``outputs``."""
    seen, stack, types = set(), [o.grad_fn for o in outputs if o.grad_fn is not None], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        types.add(type(node))
        for edge in node._edges:
            if edge is not None and not isinstance(edge[0], autograd.Tensor):
                stack.append(edge[0])
    return types


def _graph_nodes(outputs) -> list:
    """Every node in the graphs behind ``outputs``."""
    seen, stack, nodes = set(), [o.grad_fn for o in outputs if o.grad_fn is not None], []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        for edge in node._edges:
            if edge is not None and not isinstance(edge[0], autograd.Tensor):
                stack.append(edge[0])
    return nodes


def _random_output_grads(node, rng) -> list:
    return [rng.standard_normal(shape).astype(dtype) if dtype is not None and dtype.kind == "f"
            else (None if dtype is None else np.zeros(shape, dtype))
            for shape, dtype in node.output_meta]


def _compare_node(node, rng, tol: float) -> None:
    """One node's backward_array against its Tensor-op backward, on the same random gradients:
    same inputs get a gradient, same shapes, same dtypes, same values."""
    grads = _random_output_grads(node, rng)
    arrays = node.backward_array(node, *grads)
    with autograd.no_grad():
        tensors = node.backward(node, *[None if g is None else autograd.tensor(g) for g in grads])
    arrays = arrays if isinstance(arrays, tuple) else (arrays,)
    tensors = tensors if isinstance(tensors, tuple) else (tensors,)
    name = node.name()
    for i, edge in enumerate(node._edges):
        if edge is None:
            continue
        a, t = arrays[i], tensors[i]
        assert (a is None) == (t is None), f"{name}: input {i} gets a gradient on one path only"
        if a is None:
            continue
        a = np.asarray(a)
        assert a.shape == tuple(t.shape), f"{name}: input {i} shape {a.shape} vs {t.shape}"
        assert a.dtype == t.dtype, f"{name}: input {i} dtype {a.dtype} vs {t.dtype}"
        np.testing.assert_allclose(a, t.numpy(), rtol=tol, atol=tol,
                                   err_msg=f"{name}: backward_array differs from backward")


def check_array_backward(case: OpCase) -> bool:
    """For every node of the case's graph whose op has ``backward_array``: the array twin and
    the Tensor-op backward agree (float64 values, float32 dtypes); and the whole first-order
    backward (array path) agrees with the recorded one (create_graph=True, Tensor path).
    Returns whether the case exercised any backward_array."""
    rng = np.random.default_rng(2)
    found = False
    for dtype, tol in ((np.float64, 1e-12), (np.float32, 1e-5)):
        outs = _tensors(case.call(case.inputs(dtype)))
        for node in _graph_nodes(outs):
            if getattr(node, "backward_array", None) is not None:
                found = True
                _compare_node(node, rng, tol)
    if not found or not case.grad:
        return found
    n = len(case.shapes)

    def gradients(create_graph: bool) -> list:
        xs = case.inputs()
        diff = [o for o in _tensors(case.call(xs)) if o.requires_grad]
        if not diff:
            return []
        weights = [np.random.default_rng(3).standard_normal(o.shape) for o in diff]
        loss = sum((o * autograd.tensor(w)).sum() for o, w in zip(diff, weights))
        if create_graph:
            grads = autograd.grad(loss, xs[:n], create_graph=True, allow_unused=True)
            return [None if g is None else g.detach().numpy() for g in grads]
        loss.backward()
        return [None if x.grad is None else x.grad.numpy() for x in xs[:n]]

    for i, (a, t) in enumerate(zip(gradients(False), gradients(True))):
        if a is None or t is None:
            assert a is None or not np.any(a), f"{case.name}: input {i} gradient on one path"
            continue
        np.testing.assert_allclose(a, t, rtol=1e-12, atol=1e-12,
                                   err_msg=f"{case.name}: array backward differs (input {i})")
    return found
