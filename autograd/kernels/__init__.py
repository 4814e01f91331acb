"""The kernel layer: pure functions on numpy arrays for the hot paths of conv, pooling, the LSTM
time loop and the normalisations (DESIGN rule 8).

No Tensors, no graph, no dtype promotion: arrays in, arrays out, in the dtype they came in. Every
kernel has a numpy reference (``*_numpy``); some have a compiled twin in ``_numba`` (behind the
``fast`` extra), chosen automatically when numba is installed and ``TOPOGRAD_NO_NUMBA`` is unset.
The public name of each kernel dispatches; the ops in ``autograd/ops`` call only those.
"""

from ._select import compiled, use_compiled
from .conv import col2im, col2im_numpy, im2col, im2col_numpy
from .lstm import (
    lstm_backward,
    lstm_backward_numpy,
    lstm_cell_backward,
    lstm_cell_backward_numpy,
    lstm_cell_forward,
    lstm_forward,
    lstm_forward_numpy,
    lstm_input_projection,
    lstm_input_projection_backward,
)
from .norms import (
    cross_entropy_backward,
    cross_entropy_forward,
    layer_norm_backward,
    layer_norm_forward,
    log_softmax_backward,
    log_softmax_forward,
    softmax_backward,
    softmax_forward,
)
from .pooling import (
    max_pool2d_backward,
    max_pool2d_backward_numpy,
    max_pool2d_forward,
    max_pool2d_forward_numpy,
)
