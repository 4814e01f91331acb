"""nn: modules, layers, losses and initialisation built on autograd Tensor ops (torch.nn)."""

from . import functional, init, modules, utils  # modules: PyTorch's paths, nn.modules.rnn.LSTM
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .layers.activation import *  # noqa: F403
from .layers.attention import MultiheadAttention
from .layers.conv import (
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
    Fold,
    Unfold,
)
from .layers.distance import *  # noqa: F403
from .layers.dropout import *  # noqa: F403
from .layers.embedding import *  # noqa: F403
from .layers.lazy import *  # noqa: F403
from .layers.linear import *  # noqa: F403
from .layers.loss import *  # noqa: F403
from .layers.normalization import *  # noqa: F403
from .layers.padding import *  # noqa: F403
from .layers.pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveAvgPool3d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AdaptiveMaxPool3d,
    AvgPool1d,
    AvgPool2d,
    AvgPool3d,
    LPPool1d,
    LPPool2d,
    LPPool3d,
    MaxPool1d,
    MaxPool2d,
    MaxPool3d,
    MaxUnpool1d,
    MaxUnpool2d,
    MaxUnpool3d,
)
from .layers.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .layers.transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
from .layers.upsample import (
    PixelShuffle,
    PixelUnshuffle,
    Upsample,
    UpsamplingBilinear2d,
    UpsamplingNearest2d,
)
from .layers.wrappers import ChannelShuffle, DataParallel, SyncBatchNorm
from .module import Module
from .parameter import Buffer, Parameter, UninitializedParameter
from .summary import summary
