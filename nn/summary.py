"""A Keras-style model summary: every layer's output shape and parameter count, found by running
one forward pass with forward hooks (like torchinfo.summary / keras Model.summary)."""

from __future__ import annotations

from dataclasses import dataclass, field

import autograd
from autograd import Tensor

from .module import Module

__all__ = ["summary", "ModelSummary", "LayerInfo"]


@dataclass
class LayerInfo:
    """One module call seen during the summary's forward pass."""

    name: str
    type_name: str
    depth: int
    output_shape: object
    num_params: int
    trainable_params: int

    @property
    def label(self) -> str:
        """The "name (Type)" text of the first column."""
        return f"{self.name} ({self.type_name})" if self.name else self.type_name


@dataclass
class ModelSummary:
    """What ``nn.summary`` found; ``str()`` of it is the printed table."""

    model_name: str
    input_shapes: list
    layers: list = field(default_factory=list)
    output_shape: object = None
    total_params: int = 0
    trainable_params: int = 0
    non_trainable_params: int = 0

    def __str__(self) -> str:
        header = ("Layer (type)", "Output Shape", "Param #")
        rows = [(layer.label, _format_shape(layer.output_shape), f"{layer.num_params:,}")
                for layer in self.layers]
        widths = [max([len(header[i])] + [len(r[i]) for r in rows]) + 4 for i in range(3)]
        width = sum(widths)

        def line(cells) -> str:
            return "".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

        out = [f'Model: "{self.model_name}"', "_" * width, line(header), "=" * width]
        out += [line(r) for r in rows]
        out += ["=" * width,
                f"Total params: {self.total_params:,}",
                f"Trainable params: {self.trainable_params:,}",
                f"Non-trainable params: {self.non_trainable_params:,}",
                "_" * width]
        return "\n".join(out)

    __repr__ = __str__


def _format_shape(shape) -> str:
    if isinstance(shape, tuple) and all(isinstance(s, int) for s in shape):
        return str(tuple(shape))
    if isinstance(shape, (list, tuple)):
        return "[" + ", ".join(_format_shape(s) for s in shape) + "]"
    return str(shape)


def _shape_of(value):
    """The shape of a tensor output, a nested list of shapes for tuple outputs, else None."""
    if isinstance(value, Tensor):
        return tuple(value.shape)
    if isinstance(value, (tuple, list)):
        return [_shape_of(v) for v in value]
    return None


def _make_inputs(input_size, dtypes) -> list:
    sizes = [input_size] if isinstance(input_size, tuple) and all(
        isinstance(s, int) for s in input_size) else list(input_size)
    if dtypes is None:
        dtypes = [autograd.float32] * len(sizes)
    if len(dtypes) != len(sizes):
        raise ValueError(f"summary: got {len(dtypes)} dtypes for {len(sizes)} inputs")
    inputs = []
    for size, dtype in zip(sizes, dtypes):
        dtype = autograd.dtypes.as_dtype(dtype)
        if dtype.kind == "f":
            inputs.append(autograd.randn(*size, dtype=dtype))
        else:
            inputs.append(autograd.zeros(*size, dtype=dtype))
    return inputs


def summary(model: Module, input_size=None, dtypes=None, *, input_data=None,
            verbose: bool = True) -> ModelSummary:
    """Run one forward pass on random input of ``input_size`` (a shape including the batch
    dimension, or a list of shapes for several inputs; ``dtypes`` per input, float32 by default)
    or on ``input_data``, print a table of each layer's output shape and parameter count with
    total / trainable / non-trainable parameters, and return the collected information.

    Layers run in eval mode under no_grad (so batch norm statistics are not touched); the
    modules' training flags are restored afterwards.
    """
    if input_data is None:
        if input_size is None:
            raise ValueError("summary: give input_size (shape(s) including the batch "
                             "dimension) or input_data")
        inputs = _make_inputs(input_size, dtypes)
    else:
        inputs = list(input_data) if isinstance(input_data, (list, tuple)) else [input_data]
    info = ModelSummary(type(model).__name__, [tuple(x.shape) for x in inputs])
    names = {id(m): name for name, m in model.named_modules()}
    handles = []

    open_calls = []

    def enter(module, args) -> None:
        # rows are made when a call starts, so a container precedes its children
        name = names.get(id(module), "")
        own = list(module.parameters(recurse=False))
        layer = LayerInfo(name=name, type_name=type(module).__name__, depth=name.count(".") + 1,
                          output_shape=None, num_params=sum(p.numel() for p in own),
                          trainable_params=sum(p.numel() for p in own if p.requires_grad))
        info.layers.append(layer)
        open_calls.append(layer)

    def leave(module, args, output) -> None:
        open_calls.pop().output_shape = _shape_of(output)

    modes = {id(m): m.training for m in model.modules()}
    # a model without children is its own single layer
    leaf_model = not model._modules
    for name, module in model.named_modules():
        if name or leaf_model:
            handles.append(module.register_forward_pre_hook(enter))
            handles.append(module.register_forward_hook(leave))
    try:
        model.eval()
        with autograd.no_grad():
            output = model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
        for module in model.modules():
            object.__setattr__(module, "training", modes[id(module)])
    info.output_shape = _shape_of(output)
    params = list(model.parameters())
    info.total_params = sum(p.numel() for p in params)
    info.trainable_params = sum(p.numel() for p in params if p.requires_grad)
    info.non_trainable_params = info.total_params - info.trainable_params
    if verbose:
        print(info)
    return info
