"""Recurrent layers: RNN (tanh/relu), GRU, LSTM and their single-step cells (torch.nn.RNN, ...).

Each layer projects the input of every time step in one matmul, then runs a lean time loop that
adds the recurrent term and applies the cell's equations. Parameter names, shapes, gate order and
initialisation follow torch, so its state_dicts load unchanged. Packed sequences run on their
padded form with a per-step mask: a finished sequence keeps its state, so the final states are
those of each sequence's last valid step (in both directions).
"""

from __future__ import annotations

import math
import warnings

import autograd
from autograd import Tensor
from autograd.ops.fused import lstm_gates, lstm_layer

from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter
from ..utils.rnn import PackedSequence, packed_to_padded, padded_to_packed

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ---------------------------------------------------------------- one time step, per cell type
def lstm_step(gates: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
    """One LSTM step from the pre-activation gates (input, forget, cell, output order):
    c' = sigmoid(f) c + sigmoid(i) tanh(g), h = sigmoid(o) tanh(c'), as one fused node."""
    return lstm_gates(gates, c)


def gru_step(x_gates: Tensor, h_gates: Tensor, h: Tensor) -> Tensor:
    """One GRU step: reset r, update z, candidate n = tanh(W_in x + b_in + r * (W_hn h + b_hn))."""
    x_r, x_z, x_n = x_gates.chunk(3, -1)
    h_r, h_z, h_n = h_gates.chunk(3, -1)
    r = (x_r + h_r).sigmoid()
    z = (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return n + z * (h - n)  # (1 - z) * n + z * h


def rnn_step(pre: Tensor, nonlinearity: str) -> Tensor:
    """One Elman step from the pre-activation x W_ih^T + b_ih + h W_hh^T + b_hh."""
    return pre.tanh() if nonlinearity == "tanh" else pre.relu()


def _linear(x: Tensor, weight_t: Tensor, bias: Tensor | None) -> Tensor:
    y = x @ weight_t
    return y if bias is None else y + bias


# ---------------------------------------------------------------- full sequence layers
class RNNBase(Module):
    """The shared machinery of RNN, GRU and LSTM (torch.nn.RNNBase)."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__()
        name = type(self).__name__
        if mode not in _GATES:
            raise ValueError(f"{name}: unrecognized RNN mode {mode!r}")
        for arg, value in (("input_size", input_size), ("hidden_size", hidden_size),
                           ("num_layers", num_layers)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{name}: {arg} must be a positive integer, got {value!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) \
                or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          f"non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes = [("weight_ih", (gate_size, layer_input)),
                          ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for base, shape in shapes:
                    setattr(self, base + suffix,
                            Parameter(autograd.empty(*shape, dtype=dtype)))
                    self._flat_weights_names.append(base + suffix)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), like torch."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    @property
    def all_weights(self) -> list:
        """The parameters grouped per layer and direction (torch.nn.RNNBase.all_weights)."""
        per = len(self._flat_weights_names) // (self.num_layers * (2 if self.bidirectional else 1))
        names = self._flat_weights_names
        return [[getattr(self, n) for n in names[i:i + per]] for i in range(0, len(names), per)]

    def flatten_parameters(self) -> None:
        """Kept for torch compatibility: parameters need no flattening here."""

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------ checks
    def _check_input(self, x: Tensor, batched_dims: int) -> None:
        name = type(self).__name__
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}: expected a Tensor or PackedSequence as input, got "
                            f"{type(x).__name__}")
        if x.ndim != batched_dims:
            raise RuntimeError(f"{name}: expected input to be 2D (unbatched) or 3D (batched), "
                               f"got shape {tuple(x.shape)}")
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {x.shape[-1]} (input shape "
                               f"{tuple(x.shape)})")
        expected = self.weight_ih_l0.dtype
        if x.dtype != expected:
            raise RuntimeError(f"{name}: input must have the type {expected}, got type "
                               f"{x.dtype} (convert the input, or the module with .double() / "
                               f".float())")

    def _check_hidden(self, h: Tensor, expected: tuple, what: str, dtype) -> None:
        if tuple(h.shape) != expected:
            raise RuntimeError(f"{type(self).__name__}: Expected {what} size {expected}, got "
                               f"{tuple(h.shape)}")
        if h.dtype != dtype:
            raise RuntimeError(f"{type(self).__name__}: {what} state must have the input's type "
                               f"{dtype}, got {h.dtype}")

    def _state_shapes(self, batch: int) -> tuple:
        layers = self.num_layers * (2 if self.bidirectional else 1)
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (layers, batch, real_hidden), (layers, batch, self.hidden_size)

    # ------------------------------------------------------------ forward
    def forward(self, input, hx=None):
        name = type(self).__name__
        is_lstm = self.mode == "LSTM"
        packed = isinstance(input, PackedSequence)
        lengths = None
        if packed:
            self._check_input(input.data, 2)
            x, lengths = packed_to_padded(input.data, input.batch_sizes, 0.0)
            unbatched = False
            if hx is not None and input.sorted_indices is not None:
                hx = tuple(h[:, input.sorted_indices] for h in hx) if is_lstm \
                    else hx[:, input.sorted_indices]
        else:
            if isinstance(input, Tensor) and input.ndim == 2:
                self._check_input(input, 2)
                unbatched = True
                x = input.unsqueeze(1)
            else:
                self._check_input(input, 3)
                unbatched = False
                x = input.transpose(0, 1) if self.batch_first else input
        batch = x.shape[1]
        h_shape, c_shape = self._state_shapes(batch)
        if hx is None:
            h0 = autograd.zeros(*h_shape, dtype=x.dtype)
            c0 = autograd.zeros(*c_shape, dtype=x.dtype) if is_lstm else None
        else:
            if is_lstm:
                if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                    raise RuntimeError(f"{name}: hx must be a tuple (h_0, c_0) of tensors")
                h0, c0 = hx
            else:
                if not isinstance(hx, Tensor):
                    raise RuntimeError(f"{name}: hx must be a Tensor, got {type(hx).__name__}")
                h0, c0 = hx, None
            if unbatched:
                for h in (h0, c0):
                    if h is not None and h.ndim != 2:
                        raise RuntimeError(f"{name}: for unbatched 2-D input, hx should also be "
                                           f"2-D but got {h.ndim}-D tensor")
                h0 = h0.unsqueeze(1)
                c0 = c0.unsqueeze(1) if c0 is not None else None
            self._check_hidden(h0, h_shape, "hidden", x.dtype)
            if c0 is not None:
                self._check_hidden(c0, c_shape, "cell", x.dtype)
        output, h_n, c_n = self._run(x, h0, c0, lengths)
        if packed:
            output = PackedSequence(padded_to_packed(output, input.batch_sizes), input.batch_sizes,
                                    input.sorted_indices, input.unsorted_indices)
            if input.unsorted_indices is not None:
                h_n = h_n[:, input.unsorted_indices]
                c_n = c_n[:, input.unsorted_indices] if c_n is not None else None
        elif unbatched:
            output, h_n = output.squeeze(1), h_n.squeeze(1)
            c_n = c_n.squeeze(1) if c_n is not None else None
        elif self.batch_first:
            output = output.transpose(0, 1)
        return (output, (h_n, c_n)) if is_lstm else (output, h_n)

    def _run(self, x: Tensor, h0: Tensor, c0: Tensor | None, lengths: list | None):
        """All layers over a time-major (T, B, I) input; returns (output, h_n, c_n)."""
        directions = 2 if self.bidirectional else 1
        steps = x.shape[0]
        masks = None
        if lengths is not None:
            times = autograd.arange(steps).reshape(steps, 1, 1)
            valid = times < autograd.tensor(lengths).reshape(1, -1, 1)
            masks = valid.unbind(0)
        h_finals, c_finals = [], []
        layer_input = x
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                h, c, out = self._direction(layer_input, suffix, h0[k],
                                            c0[k] if c0 is not None else None,
                                            direction == 1, masks)
                outputs.append(out)
                h_finals.append(h)
                c_finals.append(c)
            layer_input = outputs[0] if directions == 1 else autograd.cat(outputs, -1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        h_n = autograd.stack(h_finals, 0)
        c_n = autograd.stack(c_finals, 0) if c0 is not None else None
        return layer_input, h_n, c_n

    def _direction(self, x: Tensor, suffix: str, h: Tensor, c: Tensor | None, reverse: bool,
                   masks):
        """One layer in one direction: the input projection for all steps, then the loop."""
        w_ih = getattr(self, "weight_ih" + suffix)
        w_hh_t = getattr(self, "weight_hh" + suffix).t()
        b_ih = getattr(self, "bias_ih" + suffix) if self.bias else None
        b_hh = getattr(self, "bias_hh" + suffix) if self.bias else None
        w_hr_t = getattr(self, "weight_hr" + suffix).t() if self.proj_size > 0 else None
        is_gru = self.mode == "GRU"
        # GRU keeps b_hh inside the reset gate's product; the others fold both biases in here
        bias = b_ih if (is_gru or b_ih is None) else b_ih + b_hh
        if self.mode == "LSTM" and w_hr_t is None and masks is None and not reverse:
            # the whole layer as one node: the input projection of all steps as one GEMM, the
            # time loop, BPTT with one GEMM per weight gradient (autograd.ops.fused)
            out, h, c = lstm_layer(x, w_ih, getattr(self, "weight_hh" + suffix), b_ih, b_hh, h, c)
            return h, c, out
        projected = _linear(x, w_ih.t(), bias).unbind(0)
        order = range(len(projected) - 1, -1, -1) if reverse else range(len(projected))
        outputs = [None] * len(projected)
        nonlinearity = "relu" if self.mode == "RNN_RELU" else "tanh"
        for t in order:
            if self.mode == "LSTM":
                h_new, c_new = lstm_step(projected[t] + h @ w_hh_t, c)
                if w_hr_t is not None:
                    h_new = h_new @ w_hr_t
            elif is_gru:
                h_new = gru_step(projected[t], _linear(h, w_hh_t, b_hh), h)
            else:
                h_new = rnn_step(projected[t] + h @ w_hh_t, nonlinearity)
            if masks is not None:
                h_new = autograd.where(masks[t], h_new, h)
                if c is not None:
                    c_new = autograd.where(masks[t], c_new, c)
            h = h_new
            if c is not None:
                c = c_new
            outputs[t] = h
        return h, c, autograd.stack(outputs, 0)


class RNN(RNNBase):
    """Elman RNN, h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) or relu (torch.nn.RNN)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device=None,
                 dtype=None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             f"'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         0, device, dtype)
        self.nonlinearity = nonlinearity


class GRU(RNNBase):
    """Gated recurrent unit with torch's gate order (reset, update, new) (torch.nn.GRU)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)


class LSTM(RNNBase):
    """Long short-term memory with gates (input, forget, cell, output) and optional projection
    of h (proj_size); returns (output, (h_n, c_n)) (torch.nn.LSTM)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)


# ---------------------------------------------------------------- cells
class RNNCellBase(Module):
    """Shared parameters and checks of the single-step cells (torch.nn.RNNCellBase)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(autograd.empty(num_chunks * hidden_size, input_size,
                                                  dtype=dtype))
        self.weight_hh = Parameter(autograd.empty(num_chunks * hidden_size, hidden_size,
                                                  dtype=dtype))
        if bias:
            self.bias_ih = Parameter(autograd.empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(autograd.empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), like torch."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s

    def _prepare(self, input: Tensor, states: tuple):
        """Check shapes, add the batch dimension to unbatched input, default states to zeros."""
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: expected a Tensor input, got {type(input).__name__}")
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead "
                             f"(shape {tuple(input.shape)})")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input has inconsistent input_size: got "
                               f"{input.shape[-1]} expected {self.input_size} (input shape "
                               f"{tuple(input.shape)})")
        if input.dtype != self.weight_ih.dtype:
            raise RuntimeError(f"{name}: input must have the type {self.weight_ih.dtype}, got "
                               f"type {input.dtype}")
        unbatched = input.ndim == 1
        x = input.unsqueeze(0) if unbatched else input
        out = []
        for h in states:
            if h is None:
                out.append(autograd.zeros(x.shape[0], self.hidden_size, dtype=x.dtype))
                continue
            if h.dtype != input.dtype:
                raise RuntimeError(f"{name}: hidden state must have the input's type "
                                   f"{input.dtype}, got {h.dtype}")
            if h.ndim != input.ndim:
                raise ValueError(f"{name}: Expected hidden to be {input.ndim}D for "
                                 f"{input.ndim}D input, got {h.ndim}D instead")
            h = h.unsqueeze(0) if unbatched else h
            if tuple(h.shape) != (x.shape[0], self.hidden_size):
                raise RuntimeError(f"{name}: Expected hidden size {(x.shape[0], self.hidden_size)}"
                                   f", got {tuple(h.shape)}")
            out.append(h)
        return x, out, unbatched

    def _gates(self, x: Tensor, h: Tensor) -> tuple[Tensor, Tensor]:
        return (_linear(x, self.weight_ih.t(), self.bias_ih),
                _linear(h, self.weight_hh.t(), self.bias_hh))


class RNNCell(RNNCellBase):
    """One Elman RNN step, h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (torch.nn.RNNCell)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), unbatched = self._prepare(input, (hx,))
        x_part, h_part = self._gates(x, h)
        h = rnn_step(x_part + h_part, self.nonlinearity)
        return h.squeeze(0) if unbatched else h


class GRUCell(RNNCellBase):
    """One GRU step (torch.nn.GRUCell)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), unbatched = self._prepare(input, (hx,))
        h = gru_step(*self._gates(x, h), h)
        return h.squeeze(0) if unbatched else h


class LSTMCell(RNNCellBase):
    """One LSTM step returning (h', c') (torch.nn.LSTMCell)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: tuple | None = None) -> tuple[Tensor, Tensor]:
        states = (None, None) if hx is None else tuple(hx)
        x, (h, c), unbatched = self._prepare(input, states)
        x_part, h_part = self._gates(x, h)
        h, c = lstm_step(x_part + h_part, c)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)
