"""nn: modules, layers, losses and initialisation built on autograd Tensor ops (torch.nn)."""

from . import functional, init, utils
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .module import Module
from .parameter import Buffer, Parameter
