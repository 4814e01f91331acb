"""Higher-level derivatives of whole functions: jacobian, hessian, vjp, jvp, hvp, vhp
(torch.autograd.functional).

Every result is built from reverse-mode ``grad`` calls: a Jacobian row per output element, a
Hessian as the Jacobian of the gradient, and forward-mode products (jvp, hvp) by the double-vjp
trick: u -> J^T u is linear in u, so differentiating <J^T u, v> with respect to u gives J v.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .engine import grad as _grad_fn
from .grad_mode import enable_grad
from .ops.shape import reshape, stack
from .tensor import Tensor


def _as_tuple(x, arg: str, fn: str) -> tuple[bool, tuple]:
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            if is_tuple:
                raise TypeError(f"The {arg} given to {fn} must be either a Tensor or a tuple of "
                                f"Tensors but the value at index {i} has type {type(item)}.")
            raise TypeError(f"The {arg} given to {fn} must be either a Tensor or a tuple of "
                            f"Tensors but the given {arg} has type {type(item)}.")
    return is_tuple, items


def _prepare_inputs(inputs: tuple, create_graph: bool) -> tuple:
    """Fresh leaves (or, with create_graph, graph-connected aliases) that require grad."""
    out = []
    for x in inputs:
        if create_graph and x.requires_grad:
            out.append(x)  # keep the link to the caller's graph
        else:
            out.append(x.detach().requires_grad_(x.dtype.kind in "fc"))
    return tuple(out)


def _finish(items: tuple, create_graph: bool) -> tuple:
    return tuple(x if x is None or create_graph else x.detach() for x in items)


def _unpack(items, is_tuple: bool):
    return items if is_tuple else items[0]


def _unpack2(items, outer: bool, inner: bool):
    if not outer:
        items = items[0]
        return items if inner else items[0]
    return tuple(row if inner else row[0] for row in items)


def _grad(outputs: tuple, inputs: tuple, grad_outputs: tuple, create_graph: bool,
          retain_graph: bool | None = None) -> tuple:
    """grad over the outputs that require it; None for inputs they do not reach."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    with enable_grad():
        return _grad_fn([o for o, _ in pairs], list(inputs), [g for _, g in pairs],
                        retain_graph=create_graph if retain_graph is None else retain_graph,
                        create_graph=create_graph, allow_unused=True)


def _fill_none(grads: tuple, refs: tuple, strict: bool, kind: str, fn: str) -> tuple:
    out = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_STRICT[kind].format(i=i, fn=fn))
            g = Tensor._make(np.zeros(ref.shape, ref.dtype), False, None)
        out.append(g)
    return tuple(out)


_STRICT = {
    "vjp": "The output of the user-provided function is independent of input {i}. This is not "
           "allowed in strict mode.",
    "jvp": "The output of the user-provided function is independent of input {i}. This is not "
           "allowed in strict mode.",
    "jvp_out": "The gradient with respect to the input is independent of entry {i} in the grad "
               "outputs when using the double backward trick to compute forward mode gradients. "
               "This is not allowed in strict mode.",
    "double": "The jacobian of the user-provided function is independent of input {i}. This is "
              "not allowed in strict mode.",
}


def _call(func: Callable, inputs: tuple, fn: str) -> tuple[bool, tuple]:
    with enable_grad():
        out = func(*inputs)
    is_tuple = isinstance(out, tuple)
    items = out if is_tuple else (out,)
    for i, o in enumerate(items):
        if not isinstance(o, Tensor):
            where = f"the value at index {i}" if is_tuple else "the given outputs of the " \
                                                                "user-provided function"
            raise TypeError(f"The outputs of the user-provided function given to {fn} must be "
                            f"either a Tensor or a tuple of Tensors but {where} has type "
                            f"{type(o)}.")
    return is_tuple, items


def _check_strict_outputs(outputs: tuple, strict: bool, fn: str) -> None:
    if strict:
        for i, o in enumerate(outputs):
            if not o.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require "
                                   f"gradients. The outputs must be computed in a differentiable "
                                   f"manner from the input when running in strict mode.")


def _check_v(v, refs: tuple, fn: str, what: str) -> tuple:
    """Validate ``v`` against the tensors it multiplies; None only for one 1-element tensor."""
    if v is None:
        if len(refs) != 1 or refs[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if the {what} is a single Tensor "
                               f"with a single element.")
        return (Tensor._make(np.ones(refs[0].shape, refs[0].dtype), False, None),)
    _, vs = _as_tuple(v, "v", fn)
    if len(vs) != len(refs):
        raise RuntimeError(f"{fn}: v is a tuple of invalid length: should be {len(refs)} but got "
                           f"{len(vs)}.")
    for x, ref in zip(vs, refs):
        if tuple(x.shape) != tuple(ref.shape):
            raise RuntimeError(f"{fn}: v has invalid size: should be {tuple(ref.shape)} but got "
                               f"{tuple(x.shape)}.")
    return vs


def vjp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T J): a vector-Jacobian product (torch.autograd.functional.vjp)."""
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
    ins = _prepare_inputs(ins, create_graph)
    is_out_tuple, outs = _call(func, ins, "vjp")
    _check_strict_outputs(outs, strict, "vjp")
    if v is None and not (len(outs) == 1 and outs[0].numel() == 1):
        raise RuntimeError("The vector v can only be None if the user-provided function returns "
                           "a single Tensor with a single element.")
    vs = _check_v(v, outs, "vjp", "user-provided function returns")
    grads = _grad(outs, ins, vs, create_graph)
    grads = _fill_none(grads, ins, strict, "vjp", "vjp")
    return (_unpack(_finish(outs, create_graph), is_out_tuple),
            _unpack(_finish(grads, create_graph), is_in_tuple))


def _double_vjp(back: tuple, us: tuple, vs: tuple, create_graph: bool) -> tuple:
    """The vjp of ``u -> back(u)`` (linear in the dummy cotangents ``us``) with ``vs``: the
    double-vjp trick that turns reverse mode into J v (jvp) or H v (hvp)."""
    pairs = [(b, x) for b, x in zip(back, vs) if b.requires_grad]
    if not pairs:
        return (None,) * len(us)
    with enable_grad():
        return _grad_fn([b for b, _ in pairs], list(us), [x for _, x in pairs],
                        retain_graph=create_graph, create_graph=create_graph, allow_unused=True)


def jvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), J v): a Jacobian-vector product by the double-vjp trick
    (torch.autograd.functional.jvp)."""
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
    ins = _prepare_inputs(ins, create_graph)
    if v is None and not (len(ins) == 1 and ins[0].numel() == 1):
        raise RuntimeError("The vector v can only be None if the input to the user-provided "
                           "function is a single Tensor with a single element.")
    vs = _check_v(v, ins, "jvp", "input to the user-provided function")
    is_out_tuple, outs = _call(func, ins, "jvp")
    _check_strict_outputs(outs, strict, "jvp")
    # u -> J^T u is linear; its vjp with v is J v
    us = tuple(Tensor._make(np.zeros(o.shape, o.dtype), False, None).requires_grad_(
        o.dtype.kind in "fc") for o in outs)
    with enable_grad():
        back = _grad(outs, ins, us, create_graph=True)
    back = _fill_none(back, ins, strict, "jvp", "jvp")
    res = _double_vjp(back, us, vs, create_graph)
    res = _fill_none(res, outs, strict, "jvp_out", "jvp")
    return (_unpack(_finish(outs, create_graph), is_out_tuple),
            _unpack(_finish(res, create_graph), is_out_tuple))


def _jacobian_rows(outs: tuple, ins: tuple, create_graph: bool, strict: bool,
                   kind: str = "vjp") -> list:
    """jac[i][j] = d outs[i] / d ins[j], shaped outs[i].shape + ins[j].shape."""
    jac = []
    for i, out in enumerate(outs):
        rows = [[] for _ in ins]
        n = out.numel()
        for k in range(n):
            seed = np.zeros(n, out.dtype)
            seed[k] = 1
            seed_t = Tensor._make(seed.reshape(out.shape), False, None)
            grads = _grad((out,), ins, (seed_t,), create_graph, retain_graph=True)
            for j, (g, x) in enumerate(zip(grads, ins)):
                if g is None:
                    if strict:
                        msg = (f"Output {i} of the user-provided function is independent of "
                               f"input {j}. This is not allowed in strict mode.") \
                            if kind == "vjp" else _STRICT["double"].format(i=j)
                        raise RuntimeError(msg)
                    g = Tensor._make(np.zeros(x.shape, x.dtype), False, None)
                rows[j].append(g)
        row = []
        for j, x in enumerate(ins):
            if n:
                block = reshape(stack(rows[j]), tuple(out.shape) + tuple(x.shape))
            else:
                block = Tensor._make(np.zeros(tuple(out.shape) + tuple(x.shape), x.dtype),
                                     False, None)
            row.append(block if create_graph else block.detach())
        jac.append(tuple(row))
    return jac


def jacobian(func: Callable, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """d func(inputs) / d inputs, nested like torch: per output, then per input
    (torch.autograd.functional.jacobian). ``vectorize`` and ``strategy`` are accepted; the
    Jacobian is always built row by row in reverse mode."""
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: '
                         'If your function has more outputs than inputs, "forward-mode" tends '
                         'to be more performant. Otherwise, prefer to use "reverse-mode".')
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
    ins = _prepare_inputs(ins, create_graph)
    is_out_tuple, outs = _call(func, ins, "jacobian")
    _check_strict_outputs(outs, strict, "jacobian")
    jac = _jacobian_rows(outs, ins, create_graph, strict)
    return _unpack2(jac, is_out_tuple, is_in_tuple)


def _gradient_function(func: Callable, fn: str, strict: bool) -> Callable:
    def gradient(*ins):
        _, outs = _call(func, ins, fn)
        if len(outs) != 1:
            raise RuntimeError(f"The function given to {fn} should return a single Tensor")
        out = outs[0]
        if out.numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {fn} should "
                               f"contain a single element")
        _check_strict_outputs((out,), strict, fn)
        grads = _grad((out.reshape(()),), ins, (None,), create_graph=True)
        grads = _fill_none(grads, ins, strict, "vjp", fn)
        return out, grads

    return gradient


def hessian(func: Callable, inputs, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode"):
    """The matrix of second derivatives of a scalar function, nested per pair of inputs
    (torch.autograd.functional.hessian)."""
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")
    ins = _prepare_inputs(ins, create_graph)
    _, grads = _gradient_function(func, "hessian", strict)(*ins)
    jac = _jacobian_rows(grads, ins, create_graph, strict, kind="double")
    return _unpack2(jac, is_in_tuple, is_in_tuple)


def vhp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T H) for a scalar function (torch.autograd.functional.vhp)."""
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "vhp")
    ins = _prepare_inputs(ins, create_graph)
    vs = _check_v(v, ins, "vhp", "input to the user-provided function")
    out, grads = _gradient_function(func, "vhp", strict)(*ins)
    res = _grad(grads, ins, vs, create_graph)
    res = _fill_none(res, ins, strict, "double", "vhp")
    return (_finish((out,), create_graph)[0], _unpack(_finish(res, create_graph), is_in_tuple))


def hvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), H v) for a scalar function, by the double-vjp trick on the gradient
    (torch.autograd.functional.hvp)."""
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "hvp")
    ins = _prepare_inputs(ins, create_graph)
    vs = _check_v(v, ins, "hvp", "input to the user-provided function")
    out, grads = _gradient_function(func, "hvp", strict)(*ins)
    us = tuple(Tensor._make(np.zeros(x.shape, x.dtype), False, None).requires_grad_()
               for x in ins)
    back = _grad(grads, ins, us, create_graph=True)
    back = _fill_none(back, ins, strict, "double", "hvp")
    res = _double_vjp(back, us, vs, create_graph)
    res = _fill_none(res, ins, strict, "double", "hvp")
    return (_finish((out,), create_graph)[0], _unpack(_finish(res, create_graph), is_in_tuple))


__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]
