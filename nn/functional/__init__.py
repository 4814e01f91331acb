"""nn.functional: the stateless form of every layer (torch.nn.functional).

Each submodule holds one kind of function; this package only re-exports them.
"""
