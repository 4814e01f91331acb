"""Linear-algebra primitives: matrix products (matmul, 1-D, 2-D and batched with broadcasting;
its strict relatives mm, bmm, mv, dot, outer, addmm...; einsum and tensordot, trace and kron) and
the square-matrix ops inverse, det and solve.

MatMul and Einsum carry every product's gradient; Einsum's backward is itself a set of einsum calls
(one per operand), so it is differentiable to any order. Factorizations are in decomp.py, what is
composed from both in autograd/composite/linalg.py.
"""

from __future__ import annotations

import string

import numpy as np

from ..tensor import Tensor
from ._base import Op, const, quietly
from ._names import named
from .elementwise import where
from .shape import reshape, squeeze, sum_array_to_shape, sum_to_shape, transpose, unsqueeze


def _matmul_array(ad: np.ndarray, bd: np.ndarray) -> np.ndarray:
    if ad.ndim > 2 and bd.ndim == 2:
        # (..., k) @ (k, n) as one 2-D GEMM: numpy's stacked matmul against a broadcast
        # (and possibly transposed) matrix falls back to a loop far slower than BLAS
        out = np.matmul(ad.reshape(-1, ad.shape[-1]), bd).reshape(ad.shape[:-1] + (bd.shape[1],))
    else:
        out = np.matmul(ad, bd)
    # ml_dtypes multiplies bfloat16 in float32 and returns float32; torch returns bfloat16
    return out if out.dtype == ad.dtype else out.astype(ad.dtype)


class MatMul(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return quietly(_matmul_array, a._data, b._data)  # overflow to inf is silent, as in torch

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a2 = unsqueeze(a, 0) if a.ndim == 1 else a
        b2 = unsqueeze(b, -1) if b.ndim == 1 else b
        if a.ndim == 1 and b.ndim == 1:
            g = reshape(grad, (1, 1))
        elif a.ndim == 1:
            g = unsqueeze(grad, -2)
        elif b.ndim == 1:
            g = unsqueeze(grad, -1)
        else:
            g = grad
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = matmul(g, transpose(b2, -1, -2))
            ga = sum_to_shape(squeeze(ga, -2) if a.ndim == 1 else ga, a.shape)
        if ctx.needs_input_grad[1]:
            if a.ndim > 2 and b.ndim == 2:
                # the batch dimensions are summed by the GEMM itself
                gb = matmul(transpose(reshape(a, (-1, a.shape[-1])), 0, 1),
                            reshape(g, (-1, g.shape[-1])))
            else:
                gb = matmul(transpose(a2, -1, -2), g)
                gb = sum_to_shape(squeeze(gb, -1) if b.ndim == 1 else gb, b.shape)
        return ga, gb

    @staticmethod
    def backward_array(ctx, grad):
        a, b = ctx.saved_arrays
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        if a.ndim == 1 and b.ndim == 1:
            g = grad.reshape(1, 1)
        elif a.ndim == 1:
            g = np.expand_dims(grad, -2)
        elif b.ndim == 1:
            g = np.expand_dims(grad, -1)
        else:
            g = grad
        edges = ctx._edges
        ga = gb = None
        if edges[0] is not None:
            ga = _matmul_array(g, np.swapaxes(b2, -1, -2))
            ga = sum_array_to_shape(ga.squeeze(-2) if a.ndim == 1 else ga, a.shape)
        if edges[1] is not None:
            if a.ndim > 2 and b.ndim == 2:
                gb = a.reshape(-1, a.shape[-1]).T @ g.reshape(-1, g.shape[-1])
            else:
                gb = _matmul_array(np.swapaxes(a2, -1, -2), g)
                gb = sum_array_to_shape(gb.squeeze(-1) if b.ndim == 1 else gb, b.shape)
        return ga, gb


def _check_tensors(op: str, *tensors) -> None:
    for t in tensors:
        if not isinstance(t, Tensor):
            names = ", ".join(type(x).__name__ for x in tensors)
            raise TypeError(f"{op}: expected Tensors, got {names}")


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with numpy/torch broadcasting rules (torch.matmul)."""
    _check_tensors("matmul", input, other)
    if input.dtype != other.dtype:
        raise RuntimeError(f"matmul: expected both operands to have the same dtype, but got "
                           f"{input.dtype} != {other.dtype} (shapes {tuple(input.shape)} and "
                           f"{tuple(other.shape)}); convert one with .to(dtype)")
    a, b = input, other
    sa, sb = a._data.shape, b._data.shape
    if not sa or not sb:
        raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got shapes "
                           f"{tuple(sa)} and {tuple(sb)}")
    k_a = sa[-1]
    k_b = sb[-2] if len(sb) > 1 else sb[0]
    if k_a != k_b:
        raise RuntimeError(f"matmul: shapes {tuple(sa)} and {tuple(sb)} cannot be multiplied "
                           f"({k_a} != {k_b})")
    if len(sa) > 2 and len(sb) > 2:
        try:
            np.broadcast_shapes(sa[:-2], sb[:-2])
        except ValueError:
            raise RuntimeError(f"matmul: batch dimensions of {tuple(sa)} and {tuple(sb)} are not "
                               f"broadcastable") from None
    out = MatMul.apply(a, b)
    return named(out, "MmBackward0") if len(sa) == len(sb) == 2 else out


def _same_dtype(op: str, *tensors) -> None:
    dts = {t.dtype for t in tensors}
    if len(dts) > 1:
        raise RuntimeError(f"{op}: expected all operands to have the same dtype, but found "
                           f"{', '.join(str(t.dtype) for t in tensors)}")


def _ndim(op: str, t: Tensor, n: int, name: str) -> None:
    if t.ndim != n:
        kind = {1: "a vector (1-D)", 2: "a matrix (2-D)", 3: "a 3-D tensor"}[n]
        raise RuntimeError(f"{op}: {name} must be {kind}, got shape {tuple(t.shape)}")


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Product of two matrices, no broadcasting (torch.mm)."""
    _check_tensors("mm", input, mat2)
    _ndim("mm", input, 2, "input")
    _ndim("mm", mat2, 2, "mat2")
    _same_dtype("mm", input, mat2)
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mm: mat1 and mat2 shapes cannot be multiplied "
                           f"({input.shape[0]}x{input.shape[1]} and "
                           f"{mat2.shape[0]}x{mat2.shape[1]})")
    return named(MatMul.apply(input, mat2), "MmBackward0")


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched product of (b, n, m) and (b, m, p) tensors, no broadcasting (torch.bmm)."""
    _check_tensors("bmm", input, mat2)
    _ndim("bmm", input, 3, "batch1")
    _ndim("bmm", mat2, 3, "batch2")
    _same_dtype("bmm", input, mat2)
    b, _, m = input.shape
    if mat2.shape[:2] != (b, m):
        raise RuntimeError(f"bmm: expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b}, {m}] but got: [{mat2.shape[0]}, {mat2.shape[1]}] (shapes "
                           f"{tuple(input.shape)} and {tuple(mat2.shape)})")
    return named(MatMul.apply(input, mat2), "BmmBackward0")


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product (torch.mv)."""
    _check_tensors("mv", input, vec)
    _ndim("mv", input, 2, "input")
    _ndim("mv", vec, 1, "vec")
    _same_dtype("mv", input, vec)
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"mv: size mismatch, got mat ({input.shape[0]}x{input.shape[1]}), "
                           f"vec ({vec.shape[0]})")
    return MatMul.apply(input, vec)


def dot(input: Tensor, other: Tensor) -> Tensor:
    """Inner product of two 1-D tensors of the same size and dtype (torch.dot)."""
    _check_tensors("dot", input, other)
    _ndim("dot", input, 1, "input")
    _ndim("dot", other, 1, "other")
    if input.dtype != other.dtype:
        raise RuntimeError(f"dot: expected both vectors to have same dtype, but found "
                           f"{input.dtype} and {other.dtype}")
    if input.shape != other.shape:
        raise RuntimeError(f"dot: inconsistent tensor size, expected tensors of the same number "
                           f"of elements, but got {input.shape[0]} and {other.shape[0]}")
    return MatMul.apply(input, other)


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """Inner product conjugating the first vector; for real tensors, dot (torch.vdot)."""
    return dot(input, other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors, (n,) x (m,) -> (n, m) (torch.outer)."""
    _check_tensors("outer", input, vec2)
    _ndim("outer", input, 1, "input")
    _ndim("outer", vec2, 1, "vec2")
    return unsqueeze(input, 1) * unsqueeze(vec2, 0)


def _scaled_sum(op: str, input: Tensor, product: Tensor, beta, alpha) -> Tensor:
    """beta * input + alpha * product; beta = 0 ignores input (even its NaNs), as torch."""
    try:
        shape = np.broadcast_shapes(tuple(input.shape), tuple(product.shape))
    except ValueError:
        shape = None
    if shape != tuple(product.shape):
        raise RuntimeError(f"{op}: input of shape {tuple(input.shape)} cannot be broadcast to "
                           f"the product's shape {tuple(product.shape)}")
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:
        if not input.requires_grad:
            return scaled
        # input's values (NaN included) are ignored, but it still gets a (zero) gradient
        return scaled + where(const(np.zeros((), np.bool_)), input, 0.0)
    return scaled + (input if beta == 1 else input * beta)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2) (torch.addmm)."""
    return named(_scaled_sum("addmm", input, mm(mat1, mat2), beta, alpha), "AddmmBackward0")


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * (mat @ vec) (torch.addmv)."""
    return _scaled_sum("addmv", input, mv(mat, vec), beta, alpha)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * bmm(batch1, batch2) (torch.baddbmm)."""
    return _scaled_sum("baddbmm", input, bmm(batch1, batch2), beta, alpha)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * sum_b batch1[b] @ batch2[b] (torch.addbmm)."""
    return _scaled_sum("addbmm", input, bmm(batch1, batch2).sum(0), beta, alpha)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * outer(vec1, vec2) (torch.addr)."""
    return _scaled_sum("addr", input, outer(vec1, vec2), beta, alpha)


# ---------------------------------------------------------------- einsum
_LETTERS = string.ascii_letters


class _Equation:
    """An einsum equation made explicit: one letter string per operand and for the output, with
    '...' replaced by letters of its own, plus every letter's (broadcast) size."""

    __slots__ = ("inputs", "output", "sizes")

    def __init__(self, inputs: list, output: str, sizes: dict) -> None:
        self.inputs, self.output, self.sizes = inputs, output, sizes

    def text(self, inputs=None, output=None) -> str:
        return ",".join(self.inputs if inputs is None else inputs) + "->" + (
            self.output if output is None else output)


def _parse(equation: str, shapes: list) -> _Equation:
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError(f"einsum(): fewer operands were provided than specified in the "
                           f"equation '{equation}' ({len(shapes)} given)")
    if len(terms) < len(shapes):
        raise RuntimeError(f"einsum(): more operands were provided than specified in the "
                           f"equation '{equation}' ({len(shapes)} given)")
    used = set(eq) - set(",->.")
    bad = sorted(c for c in used if c not in _LETTERS)
    if bad:
        raise RuntimeError(f"einsum(): invalid subscript given in '{equation}': {bad[0]!r} (only "
                           f"letters a-z and A-Z)")
    spare = [c for c in _LETTERS if c not in used]
    n_ell = 0
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        explicit = len(term.replace("...", ""))
        if "..." in term:
            if term.count("...") > 1 or term.replace("...", "").count(".") or explicit > len(shape):
                raise RuntimeError(f"einsum(): invalid subscripts '{term}' for operand {i} of "
                                   f"shape {tuple(shape)}")
            n_ell = max(n_ell, len(shape) - explicit)
        elif explicit != len(shape):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({explicit}) does not match "
                f"the number of dimensions ({len(shape)}) for operand {i} and no ellipsis was "
                f"given")
    ell = "".join(spare[:n_ell])
    inputs = []
    for term, shape in zip(terms, shapes):
        if "..." in term:
            k = len(shape) - len(term.replace("...", ""))
            term = term.replace("...", ell[n_ell - k:] if k else "")
        inputs.append(term)
    sizes: dict = {}
    for i, (term, shape) in enumerate(zip(inputs, shapes)):
        seen: dict = {}
        for c, n in zip(term, shape):
            if c in seen and seen[c] != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {i} but the "
                                   f"sizes don't match, {n} != {seen[c]}")
            seen[c] = n
            prev = sizes.get(c, 1)
            if n != 1 and prev != 1 and n != prev:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which "
                                   f"does not broadcast with previously seen size {prev} "
                                   f"(equation '{equation}', shapes {[tuple(s) for s in shapes]})")
            sizes[c] = n if n != 1 else prev
    if arrow:
        if rhs.count("...") > 1 or rhs.replace("...", "").count("."):
            raise RuntimeError(f"einsum(): invalid output subscripts '{rhs}'")
        output = rhs.replace("...", ell)
        for c in output:
            if output.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the "
                                   f"output")
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   f"equation for any input operand")
    else:
        counts = "".join(t.replace("...", "") for t in terms)
        output = ell + "".join(sorted((c for c in set(counts) if counts.count(c) == 1),
                                      key=_LETTERS.index))
    return _Equation(inputs, output, sizes)


class Einsum(Op):
    """np.einsum over explicit subscripts; d/d(operand i) is an einsum of the output gradient
    with the other operands, so every order of derivative stays an einsum."""

    @staticmethod
    def forward(ctx, equation, *operands):
        ctx.equation = equation
        ctx.save_for_backward(*operands)
        arrays = [o._data for o in operands]
        return np.asarray(np.einsum(equation.text(), *arrays,
                                    optimize=len(arrays) > 1))

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        eq = ctx.equation
        return (None,) + tuple(
            _operand_grad(eq, operands, i, grad) if ctx.needs_input_grad[i + 1] else None
            for i in range(len(operands)))


def _operand_grad(eq: _Equation, operands: tuple, i: int, grad: Tensor) -> Tensor:
    """d(sum(grad * einsum(...)))/d(operand i), as one einsum."""
    dtype = grad.dtype
    terms = [eq.output] + [t for j, t in enumerate(eq.inputs) if j != i]
    tensors = [grad] + [o for j, o in enumerate(operands) if j != i]
    used = set("".join(eq.inputs) + eq.output)
    spare = iter(c for c in _LETTERS if c not in used)
    out = []
    for c, n in zip(eq.inputs[i], operands[i].shape):
        if n == 1 and eq.sizes[c] != 1:
            # broadcast dim of this operand: sum the gradient over it
            fresh = next(spare)
            terms.append(fresh)
            tensors.append(const(np.ones(1, dtype)))
            out.append(fresh)
        elif c in out:
            # repeated subscript (a diagonal): the gradient lives on the diagonal only
            fresh = next(spare)
            terms.append(c + fresh)
            tensors.append(const(np.eye(n, dtype=dtype)))
            out.append(fresh)
        else:
            out.append(c)
    present = set("".join(terms))
    for c in dict.fromkeys(out):
        if c not in present:
            # summed only in this operand: the gradient is constant along it
            terms.append(c)
            tensors.append(const(np.ones(eq.sizes[c], dtype)))
    return Einsum.apply(_Equation(terms, "".join(out), eq.sizes), *tensors)


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation over the operands' subscripts; '...' broadcasts, the output may be
    implicit (torch.einsum)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): the equation must be a string, got {type(equation).__name__}")
    _check_tensors("einsum", *operands)
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    _same_dtype("einsum", *operands)
    eq = _parse(equation, [o.shape for o in operands])
    return Einsum.apply(eq, *operands)


def tensordot(a: Tensor, b: Tensor, dims=2) -> Tensor:
    """Contract the last ``dims`` dims of a with the first of b, or the listed dims pairs
    (torch.tensordot)."""
    _check_tensors("tensordot", a, b)
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0 or dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot: dims must be between 0 and {min(a.ndim, b.ndim)} "
                               f"for shapes {tuple(a.shape)} and {tuple(b.shape)}, got {dims}")
        dims_a = list(range(a.ndim - dims, a.ndim))
        dims_b = list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, (int, np.integer)) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError(f"tensordot: both dimension lists should have same length, got "
                           f"{dims_a} and {dims_b}")
    dims_a = [d % a.ndim if a.ndim else d for d in dims_a]
    dims_b = [d % b.ndim if b.ndim else d for d in dims_b]
    letters = iter(_LETTERS)
    ta = [next(letters) for _ in range(a.ndim)]
    tb = [next(letters) for _ in range(b.ndim)]
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"tensordot: contracted dimensions need to match, but first has "
                               f"size {a.shape[da]} in dim {da} and second has size "
                               f"{b.shape[db]} in dim {db}")
        tb[db] = ta[da]
    out = [c for k, c in enumerate(ta) if k not in dims_a] + \
        [c for k, c in enumerate(tb) if k not in dims_b]
    return einsum(f"{''.join(ta)},{''.join(tb)}->{''.join(out)}", a, b)


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a matrix (torch.trace)."""
    _check_tensors("trace", input)
    _ndim("trace", input, 2, "input")
    n = min(input.shape)
    return einsum("ii->", input[:n, :n])


def kron(input: Tensor, other: Tensor) -> Tensor:
    """Kronecker product (torch.kron)."""
    _check_tensors("kron", input, other)
    nd = max(input.ndim, other.ndim)
    sa = (1,) * (nd - input.ndim) + tuple(input.shape)
    sb = (1,) * (nd - other.ndim) + tuple(other.shape)
    a = reshape(input, tuple(x for s in sa for x in (s, 1)))
    b = reshape(other, tuple(x for s in sb for x in (1, s)))
    return reshape(a * b, tuple(x * y for x, y in zip(sa, sb)))


# ---------------------------------------------------------------- inverse, determinant, solve
def _square(op: str, a: Tensor) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are "
                           f"{' by '.join(str(n) for n in a.shape[-2:]) or 'a scalar'} "
                           f"matrices (shape {tuple(a.shape)})")
    if a.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point tensor as input. Got {a.dtype}")


class LinAlgError(RuntimeError):
    """A numerical failure of a linear-algebra routine: a singular or not positive-definite
    matrix (torch.linalg.LinAlgError, a RuntimeError)."""


def _singular(op: str):
    return LinAlgError(f"{op}: The input matrix is singular (or too close to singular), so the "
                       f"operation could not be completed.")


class Inverse(Op):
    @staticmethod
    def forward(ctx, a):
        try:
            out = np.linalg.inv(a._data)
        except np.linalg.LinAlgError:
            raise _singular("linalg.inv") from None
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (inv,) = ctx.saved_tensors
        inv_t = transpose(inv, -1, -2)
        return -matmul(matmul(inv_t, grad), inv_t)


def inverse(input: Tensor) -> Tensor:
    """Inverse of a (batch of) square matrices (torch.inverse / torch.linalg.inv)."""
    _check_tensors("linalg.inv", input)
    _square("linalg.inv", input)
    return Inverse.apply(input)


class Det(Op):
    """Determinant; d det(A)/dA = det(A) A^-T, or the transposed adjugate when A is singular."""

    @staticmethod
    def forward(ctx, a):
        out = np.asarray(np.linalg.det(a._data))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, det = ctx.saved_tensors
        g = unsqueeze(unsqueeze(grad, -1), -1)
        if np.all(det._data != 0):
            return g * unsqueeze(unsqueeze(det, -1), -1) * transpose(inverse(a), -1, -2)
        return g * const(_adjugate(a._data).swapaxes(-1, -2))


def _adjugate(a: np.ndarray) -> np.ndarray:
    """adj(A) = det(A) A^-1 for any square A, through the SVD A = U diag(s) V^T."""
    u, s, vt = np.linalg.svd(a)
    n = s.shape[-1]
    others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(n)], axis=-1)
    sign = np.linalg.det(u) * np.linalg.det(vt)
    return sign[..., None, None] * np.matmul(vt.swapaxes(-1, -2) * others[..., None, :],
                                             u.swapaxes(-1, -2))


def det(input: Tensor) -> Tensor:
    """Determinant of a (batch of) square matrices (torch.det / torch.linalg.det)."""
    _check_tensors("linalg.det", input)
    _square("linalg.det", input)
    return Det.apply(input)


class Solve(Op):
    """X with A X = B; gradients gB = A^-T g, gA = -gB X^T."""

    @staticmethod
    def forward(ctx, a, b, vector):
        ctx.vector = vector
        bd = b._data[..., None] if vector else b._data
        shape = np.broadcast_shapes(a._data.shape[:-2], bd.shape[:-2])
        try:
            out = np.linalg.solve(np.broadcast_to(a._data, shape + a._data.shape[-2:]),
                                  np.broadcast_to(bd, shape + bd.shape[-2:]))
        except np.linalg.LinAlgError:
            raise _singular("linalg.solve") from None
        out = out[..., 0] if vector else out
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, x = ctx.saved_tensors
        a_t = transpose(a, -1, -2)
        gb = Solve.apply(a_t, grad, ctx.vector)
        ga = None
        if ctx.needs_input_grad[0]:
            gb2 = unsqueeze(gb, -1) if ctx.vector else gb
            x2 = unsqueeze(x, -1) if ctx.vector else x
            ga = sum_to_shape(-matmul(gb2, transpose(x2, -1, -2)), a.shape)
        return ga, sum_to_shape(gb, b.shape) if ctx.needs_input_grad[1] else None, None


def solve(A: Tensor, B: Tensor) -> Tensor:
    """Solve A X = B for square A, batched with broadcasting; B may be a vector
    (torch.linalg.solve)."""
    _check_tensors("linalg.solve", A, B)
    _square("linalg.solve", A)
    _same_dtype("linalg.solve", A, B)
    n = A.shape[-1]
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    rows = B.shape[-1] if vector else (B.shape[-2] if B.ndim >= 2 else None)
    if rows != n:
        raise RuntimeError(f"linalg.solve: incompatible shapes of A and B for the equation "
                           f"AX = B ({tuple(A.shape)} and {tuple(B.shape)})")
    try:
        np.broadcast_shapes(tuple(A.shape[:-2]), tuple(B.shape[:-1] if vector else B.shape[:-2]))
    except ValueError:
        raise RuntimeError(f"linalg.solve: batch dimensions of A {tuple(A.shape)} and B "
                           f"{tuple(B.shape)} are not broadcastable") from None
    return Solve.apply(A, B, vector)


__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "addmm", "addmv",
           "addbmm", "baddbmm", "addr", "einsum", "tensordot", "trace", "kron", "inverse",
           "det"]

ger = outer

METHODS = {"matmul": matmul, "__matmul__": matmul,
           "__rmatmul__": lambda self, other: matmul(other, self),
           "mm": mm, "bmm": bmm, "mv": mv, "dot": dot, "vdot": vdot, "outer": outer, "ger": outer,
           "addmm": addmm, "addmv": addmv, "addbmm": addbmm, "baddbmm": baddbmm, "addr": addr,
           "trace": trace, "kron": kron, "inverse": inverse, "det": det}
