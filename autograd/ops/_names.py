"""grad_fn names as torch prints them, where one of our nodes corresponds to one of torch's.

A node is named ``<Class>Backward0`` from its Function class; where torch's node for the same
operation has another name (``MaxBackward1`` for a full max, ``MmBackward0`` for a matrix product,
``SumBackward1`` for a sum over dims), the class carries ``grad_fn_name`` or the public function
renames the node it made with ``named``. Scripts print and test these names.
"""

from __future__ import annotations


def named(out, name: str, source=None):
    """Give ``out``'s node torch's ``name``; ``out is source`` (an op that returned its input
    unchanged) leaves the input's node alone."""
    node = getattr(out, "grad_fn", None)
    if node is not None and out is not source:
        node.grad_fn_name = name
    return out


def set_class_names() -> None:
    """Name the nodes whose Function class always corresponds to one torch node."""
    from . import fused, reduce, shape, ternary

    for cls, name in ((shape.Reshape, "ViewBackward0"),
                      (reduce.CumSum, "CumsumBackward0"),
                      (reduce.VectorNorm, "LinalgVectorNormBackward0"),
                      (fused.LayerNorm, "NativeLayerNormBackward0"),
                      (fused.CrossEntropyIndices, "NllLossBackward0"),
                      (ternary.Clamp, "ClampBackward1")):
        cls.grad_fn_name = name
