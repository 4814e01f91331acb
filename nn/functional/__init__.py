"""nn.functional: the stateless form of every layer (torch.nn.functional).

Each submodule holds one kind of function; this package only re-exports them.
"""

from autograd.ops.index import one_hot
from autograd.ops.shape import pad

from .activation import *  # noqa: F403
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    fold,
    unfold,
)
from .distance import *  # noqa: F403
from .dropout import *  # noqa: F403
from .embedding import *  # noqa: F403
from .linear import *  # noqa: F403
from .loss import *  # noqa: F403
from .normalization import *  # noqa: F403
from .pooling import *  # noqa: F403
from .sampling import affine_grid, grid_sample
from .shuffle import channel_shuffle, native_channel_shuffle
from .upsample import *  # noqa: F403
