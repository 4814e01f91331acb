"""nn: modules, layers, losses and initialisation built on autograd Tensor ops (torch.nn)."""

from . import functional, init, utils
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .module import Module
from .parameter import Buffer, Parameter
from .layers.activation import *  # noqa: F403
from .layers.dropout import *  # noqa: F403
from .layers.embedding import *  # noqa: F403
from .layers.linear import *  # noqa: F403
from .layers.loss import *  # noqa: F403
from .layers.normalization import *  # noqa: F403
from .summary import summary
