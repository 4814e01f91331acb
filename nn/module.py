"""Module: the base class of every layer (torch.nn.Module).

Assigning a Parameter, a Module or a registered buffer to an attribute registers it, so
``named_parameters``, ``state_dict`` and ``to`` find everything a model holds without
bookkeeping in the layers themselves.
"""

from __future__ import annotations

import copy
import itertools
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator

import autograd
from autograd import Tensor

from .parameter import Buffer, Parameter

__all__ = ["Module", "RemovableHandle", "register_module_forward_pre_hook",
           "register_module_forward_hook"]


class RemovableHandle:
    """Returned by every ``register_*_hook``; ``remove()`` unregisters the hook
    (torch.utils.hooks.RemovableHandle). Also a context manager."""

    _next_id = itertools.count()

    def __init__(self, *tables: dict) -> None:
        self.id = next(RemovableHandle._next_id)
        self._tables = tables

    def remove(self) -> None:
        """Unregister the hook (a no-op when already removed)."""
        for table in self._tables:
            if self.id in table:
                del table[self.id]

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


_global_forward_pre_hooks: dict = OrderedDict()
_global_forward_hooks: dict = OrderedDict()


def register_module_forward_pre_hook(hook: Callable) -> RemovableHandle:
    """Run ``hook(module, args)`` before every Module's forward
    (torch.nn.modules.module.register_module_forward_pre_hook)."""
    handle = RemovableHandle(_global_forward_pre_hooks)
    _global_forward_pre_hooks[handle.id] = hook
    return handle


def register_module_forward_hook(hook: Callable) -> RemovableHandle:
    """Run ``hook(module, args, output)`` after every Module's forward
    (torch.nn.modules.module.register_module_forward_hook)."""
    handle = RemovableHandle(_global_forward_hooks)
    _global_forward_hooks[handle.id] = hook
    return handle


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it did not find and the keys it did not use."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _indent(text: str, spaces: int) -> str:
    """Indent every line after the first (blank lines stay empty), for nested reprs."""
    first, *rest = text.split("\n")
    if not rest:
        return text
    pad = " " * spaces
    return "\n".join([first] + [pad + line if line.strip() else "" for line in rest])


def _shape_text(shape) -> str:
    return str(tuple(shape))


class Module:
    """Base class of all layers and models (torch.nn.Module).

    Subclasses call ``super().__init__()`` first, assign their parameters, buffers and submodules
    as attributes, and define ``forward``; calling the module runs the hooks around ``forward``.
    """

    training: bool

    def __init__(self, *args, **kwargs) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments "
                            f"{args or ''}{kwargs or ''}")
        setattr_ = object.__setattr__
        setattr_(self, "training", True)
        setattr_(self, "_parameters", OrderedDict())
        setattr_(self, "_buffers", OrderedDict())
        setattr_(self, "_non_persistent_buffers_set", set())
        setattr_(self, "_modules", OrderedDict())
        setattr_(self, "_forward_pre_hooks", OrderedDict())
        setattr_(self, "_forward_pre_hooks_with_kwargs", set())
        setattr_(self, "_forward_hooks", OrderedDict())
        setattr_(self, "_forward_hooks_with_kwargs", set())
        setattr_(self, "_forward_hooks_always_called", set())
        setattr_(self, "_backward_hooks", OrderedDict())
        setattr_(self, "_backward_pre_hooks", OrderedDict())

    def forward(self, *args, **kwargs):
        """The computation; every subclass defines it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function')

    # ------------------------------------------------------------------ registration
    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or None, a declared but absent parameter) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        self._check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter "
                            f"'{name}' (nn.Parameter or None required)")
        if param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, "
                f"compute the value in the forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a non-learnable tensor (running statistics, ...) saved in the state_dict unless
        ``persistent=False`` (torch.nn.Module.register_buffer)."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            f"(Tensor or None required)")
        if isinstance(tensor, Buffer):
            persistent = tensor.persistent
            tensor = tensor.detach()
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name`` (torch.nn.Module.add_module)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_name(name, "module")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    @staticmethod
    def _check_name(name, kind: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain ".", got: {name}')

    def get_submodule(self, target: str) -> Module:
        """The submodule at a dotted path such as ``"encoder.layers.0"``."""
        if target == "":
            return self
        module = self
        for item in target.split("."):
            if not hasattr(module, item) or item not in module._modules:
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = module._modules[item]
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at a dotted path such as ``"encoder.weight"``."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at a dotted path such as ``"bn.running_mean"``."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return module._buffers[name]

    # ------------------------------------------------------------------ attributes
    def __getattr__(self, name: str):
        # only called when normal lookup fails: look in the registries
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in d and name in d[table]:
                return d[table][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__

        def remove_from(*tables):
            for table in tables:
                if name in table:
                    del table[name]

        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            d.pop(name, None)
            remove_from(self._buffers, self._modules)
            self._non_persistent_buffers_set.discard(name)
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                f"(nn.Parameter or None expected)")
            self.register_parameter(name, value)
            return
        modules = d.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            d.pop(name, None)
            remove_from(self._parameters, self._buffers)
            self._non_persistent_buffers_set.discard(name)
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module "
                                f"'{name}' (nn.Module or None expected)")
            modules[name] = value
            return
        buffers = d.get("_buffers")
        if isinstance(value, Buffer) or (buffers is not None and name in buffers):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                f"(Tensor or None expected)")
            if isinstance(value, Buffer):
                persistent = value.persistent
            else:
                persistent = name not in self._non_persistent_buffers_set
            d.pop(name, None)
            self.register_buffer(name, value, persistent)
            return
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        keys = set(dir(type(self))) | set(self.__dict__)
        keys |= set(self._parameters) | set(self._buffers) | set(self._modules)
        return sorted(k for k in keys if not k[0].isdigit())

    # ------------------------------------------------------------------ iteration
    def _named_members(self, get_members, prefix: str = "", recurse: bool = True,
                       remove_duplicate: bool = True) -> Iterator:
        seen = set()
        modules = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                   if recurse else [(prefix, self)])
        for module_prefix, module in modules:
            for name, value in get_members(module):
                if value is None:
                    continue
                if remove_duplicate:
                    if id(value) in seen:
                        continue
                    seen.add(id(value))
                yield (module_prefix + "." + name if module_prefix else name), value

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, each once, in registration order (torch.nn.Module.parameters)."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs (torch.nn.Module.named_parameters)."""
        yield from self._named_members(lambda m: m._parameters.items(), prefix, recurse,
                                       remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer (torch.nn.Module.buffers)."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs (torch.nn.Module.named_buffers)."""
        yield from self._named_members(lambda m: m._buffers.items(), prefix, recurse,
                                       remove_duplicate)

    def children(self) -> Iterator[Module]:
        """The direct submodules (torch.nn.Module.children)."""
        for _, module in self.named_children():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, direct submodule) pairs, each module once."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def modules(self) -> Iterator[Module]:
        """This module and all its descendants, depth first (torch.nn.Module.modules)."""
        for _, module in self.named_modules():
            yield module

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) pairs for this module and its descendants, depth first."""
        if memo is None:
            memo = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in memo:
                    continue
                memo.add(id(module))
            yield name, module
            children = [(name + "." + child_name if name else child_name, child)
                        for child_name, child in module._modules.items() if child is not None]
            stack.extend(reversed(children))

    # ------------------------------------------------------------------ modes and grads
    def train(self, mode: bool = True) -> Module:
        """Set training mode here and in every descendant (torch.nn.Module.train)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (dropout off, batch norm uses running statistics)."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Switch gradient recording of every parameter (torch.nn.Module.requires_grad_)."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad``: to None, or to zeros (torch.nn.Module.zero_grad)."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                grad = param.grad
                if grad.grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                with autograd.no_grad():
                    grad.zero_()

    # ------------------------------------------------------------------ conversion
    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every descendant, then on self (torch.nn.Module.apply)."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def _apply(self, fn: Callable[[Tensor], Tensor]) -> Module:
        """Convert every parameter and buffer in place with ``fn`` (keeping Parameter objects)."""
        with autograd.no_grad():
            for module in self.modules():
                for param in module._parameters.values():
                    if param is None:
                        continue
                    converted = fn(param)
                    if converted is not param:
                        param.data = converted.data
                        param._version += 1
                    if param.grad is not None:
                        param.grad = fn(param.grad)
                for name, buf in module._buffers.items():
                    if buf is not None:
                        module._buffers[name] = fn(buf)
        return self

    def to(self, *args, **kwargs) -> Module:
        """Cast floating parameters and buffers to a dtype; 'cpu' is the only device
        (torch.nn.Module.to)."""
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() received an invalid combination of arguments: {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, (str, autograd.device)):
                try:
                    autograd.device(arg)
                    device = arg
                except RuntimeError:
                    if isinstance(arg, str) and _is_dtype_name(arg):
                        dtype = arg
                    else:
                        raise
            else:
                dtype = arg
        if device is not None:
            autograd.device(device)
        if dtype is None:
            return self
        dtype = autograd.dtypes.wrap(autograd.dtypes.as_dtype(dtype))
        if not (dtype.is_floating_point or dtype.is_complex):
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but "
                            f"got desired dtype={dtype}")
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def type(self, dst_type) -> Module:
        """Cast every parameter and buffer to ``dst_type`` (torch.nn.Module.type)."""
        return self._apply(lambda t: t.to(dst_type))

    def float(self) -> Module:
        """Floating parameters and buffers to float32."""
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self) -> Module:
        """Floating parameters and buffers to float64 (used for gradcheck)."""
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self) -> Module:
        """Floating parameters and buffers to float16."""
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self) -> Module:
        """Floating parameters and buffers to bfloat16."""
        return self._apply(lambda t: t.bfloat16() if t.is_floating_point() else t)

    def cpu(self) -> Module:
        """Everything already lives on the CPU; returns self."""
        return self

    def cuda(self, device=None) -> Module:
        """CUDA is not available here."""
        raise RuntimeError("CUDA is not available: this library runs on the CPU only")

    # ------------------------------------------------------------------ state dict
    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        extra = type(self).get_extra_state is not Module.get_extra_state
        if extra:
            destination[prefix + "_extra_state"] = self.get_extra_state()

    def state_dict(self, *args, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict:
        """Parameters and persistent buffers by dotted name (torch.nn.Module.state_dict);
        values are detached unless ``keep_vars``."""
        if args:
            destination = args[0] if len(args) > 0 else destination
            prefix = args[1] if len(args) > 1 else prefix
            keep_vars = args[2] if len(args) > 2 else keep_vars
        if destination is None:
            destination = OrderedDict()
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".",
                                  keep_vars=keep_vars)
        return destination

    def get_extra_state(self):
        """Extra (non-tensor) state to save; override together with ``set_extra_state``."""
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be "
                           "called.")

    def set_extra_state(self, state) -> None:
        """Restore what ``get_extra_state`` returned."""
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be "
                           "called.")

    def _local_state(self) -> dict:
        state = {k: v for k, v in self._parameters.items() if v is not None}
        state.update((k, v) for k, v in self._buffers.items()
                     if v is not None and k not in self._non_persistent_buffers_set)
        return state

    def _plan_load(self, state_dict, prefix: str, plan: list, missing: list,
                   unexpected: list, errors: list) -> None:
        """Check this module's keys against ``state_dict`` and queue the copies to make."""
        local = self._local_state()
        for name, current in local.items():
            key = prefix + name
            if key not in state_dict:
                missing.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                if hasattr(value, "shape") and hasattr(value, "dtype"):
                    value = autograd.as_tensor(value)
                else:
                    errors.append(f'While copying the parameter named "{key}", expected '
                                  f"Tensor or Tensor-like object from checkpoint but received "
                                  f"{type(value)}")
                    continue
            if tuple(value.shape) != tuple(current.shape):
                errors.append(f"size mismatch for {key}: copying a param with shape "
                              f"{_shape_text(value.shape)} from checkpoint, the shape in current "
                              f"model is {_shape_text(current.shape)}.")
                continue
            plan.append((self, name, value))
        extra_key = prefix + "_extra_state"
        if type(self).set_extra_state is not Module.set_extra_state:
            if extra_key in state_dict:
                plan.append((self, None, state_dict[extra_key]))
            else:
                missing.append(extra_key)
        for key in state_dict:
            if key.startswith(prefix) and key != extra_key:
                head = key[len(prefix):].split(".", 1)[0]
                if head not in self._modules and head not in local:
                    unexpected.append(key)

    def load_state_dict(self, state_dict, strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        """Copy parameters and buffers from ``state_dict`` (torch.nn.Module.load_state_dict).

        Values may be Tensors or numpy arrays; shapes are checked and nothing changes unless the
        whole load succeeds. Returns (missing_keys, unexpected_keys).
        """
        if not hasattr(state_dict, "keys") or not hasattr(state_dict, "__getitem__"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        plan, missing, unexpected, errors = [], [], [], []
        for prefix, module in self.named_modules(remove_duplicate=False):
            module._plan_load(state_dict, prefix + "." if prefix else "", plan, missing,
                              unexpected, errors)
        unexpected = list(dict.fromkeys(unexpected))
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(errors)))
        with autograd.no_grad():
            for module, name, value in plan:
                if name is None:
                    module.set_extra_state(value)
                elif name in module._parameters:
                    param = module._parameters[name]
                    if assign:
                        module._parameters[name] = Parameter(value.detach(),
                                                             param.requires_grad)
                    else:
                        param.copy_(value)
                else:
                    if assign:
                        module._buffers[name] = value.detach()
                    else:
                        module._buffers[name].copy_(value)
        return _IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ hooks and calling
    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """Run ``hook(module, args)`` (or ``hook(module, args, kwargs)``) before forward; a
        non-None result replaces the arguments (torch.nn.Module.register_forward_pre_hook)."""
        handle = RemovableHandle(self._forward_pre_hooks)
        _insert(self._forward_pre_hooks, handle.id, hook, prepend)
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs.add(handle.id)
        return handle

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False,
                              with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """Run ``hook(module, args, output)`` (or with kwargs) after forward; a non-None result
        replaces the output (torch.nn.Module.register_forward_hook)."""
        handle = RemovableHandle(self._forward_hooks)
        _insert(self._forward_hooks, handle.id, hook, prepend)
        if with_kwargs:
            self._forward_hooks_with_kwargs.add(handle.id)
        if always_call:
            self._forward_hooks_always_called.add(handle.id)
        return handle

    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False
                                        ) -> RemovableHandle:
        """Run ``hook(module, grad_output)`` when the gradients of the outputs are known; a
        non-None result replaces them (torch.nn.Module.register_full_backward_pre_hook)."""
        handle = RemovableHandle(self._backward_pre_hooks)
        _insert(self._backward_pre_hooks, handle.id, hook, prepend)
        return handle

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False
                                    ) -> RemovableHandle:
        """Run ``hook(module, grad_input, grad_output)`` once the gradients of the module's
        tensor inputs are known; a non-None result replaces grad_input
        (torch.nn.Module.register_full_backward_hook)."""
        handle = RemovableHandle(self._backward_hooks)
        _insert(self._backward_hooks, handle.id, hook, prepend)
        return handle

    def _call_impl(self, *args, **kwargs):
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks
                or self._backward_pre_hooks or _global_forward_pre_hooks
                or _global_forward_hooks):
            return self.forward(*args, **kwargs)
        pre_hooks = list(_global_forward_pre_hooks.items()) + list(self._forward_pre_hooks.items())
        for hook_id, hook in pre_hooks:
            if hook_id in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(
                            "forward pre-hook must return None or a tuple of (new_args, "
                            f"new_kwargs), but got {result}.")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        backward_hooks = bool(self._backward_hooks or self._backward_pre_hooks)
        if backward_hooks:
            state = _BackwardHookState(self)
            args = state.wrap_inputs(args)
        hooks = list(_global_forward_hooks.items()) + list(self._forward_hooks.items())
        try:
            output = self.forward(*args, **kwargs)
        except Exception:
            # hooks registered with always_call=True still run (with no output) on failure
            for hook_id, hook in hooks:
                if hook_id in self._forward_hooks_always_called:
                    if hook_id in self._forward_hooks_with_kwargs:
                        hook(self, args, kwargs, None)
                    else:
                        hook(self, args, None)
            raise
        for hook_id, hook in hooks:
            if hook_id in self._forward_hooks_with_kwargs:
                result = hook(self, args, kwargs, output)
            else:
                result = hook(self, args, output)
            if result is not None:
                output = result
        if backward_hooks:
            output = state.wrap_outputs(output)
        return output

    __call__ = _call_impl

    # ------------------------------------------------------------------ printing and copying
    def extra_repr(self) -> str:
        """The text inside this module's parentheses in ``repr``; layers override it."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + _indent(repr(module), 2)
                       for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        defaults = {"_forward_pre_hooks_with_kwargs": set, "_forward_hooks_with_kwargs": set,
                    "_forward_hooks_always_called": set, "_backward_pre_hooks": OrderedDict,
                    "_non_persistent_buffers_set": set}
        for key, make in defaults.items():
            if key not in self.__dict__:
                self.__dict__[key] = make()

    def __deepcopy__(self, memo: dict) -> Module:
        new = object.__new__(type(self))
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            object.__setattr__(new, key, copy.deepcopy(value, memo))
        return new


class _HookIdentity(autograd.Function):
    """Passes tensors through unchanged; in backward hands their gradients to a callback."""

    @staticmethod
    def forward(ctx, callback, *tensors):
        ctx.callback = callback
        return tuple(tensors)

    @staticmethod
    def backward(ctx, *grads):
        return (None, *ctx.callback(grads))


class _BackwardHookState:
    """One forward call's link between the module's full backward hooks and the graph."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.grad_outputs = None
        self.input_mask = ()

    def wrap_inputs(self, args: tuple) -> tuple:
        self.input_mask = tuple(isinstance(a, Tensor) and a.requires_grad for a in args
                                if isinstance(a, Tensor))
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        if not positions or not autograd.is_grad_enabled():
            return args
        wrapped = _HookIdentity.apply(self._input_grads, *(args[i] for i in positions))
        args = list(args)
        for i, t in zip(positions, wrapped):
            args[i] = t
        return tuple(args)

    def wrap_outputs(self, output):
        single = isinstance(output, Tensor)
        items = (output,) if single else output
        if not isinstance(items, tuple):
            return output
        positions = [i for i, o in enumerate(items) if isinstance(o, Tensor) and o.requires_grad]
        if not positions:
            return output
        wrapped = _HookIdentity.apply(self._output_grads, *(items[i] for i in positions))
        items = list(items)
        for i, t in zip(positions, wrapped):
            items[i] = t
        return items[0] if single else tuple(items)

    def _output_grads(self, grads: tuple) -> tuple:
        module = self.module
        for hook in module._backward_pre_hooks.values():
            result = hook(module, grads)
            if result is not None:
                grads = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        self.grad_outputs = grads
        if not any(self.input_mask):
            self._run_hooks((None,) * len(self.input_mask))
        return grads

    def _input_grads(self, grads: tuple) -> tuple:
        it = iter(grads)
        grad_input = tuple(next(it) if needs else None for needs in self.input_mask)
        grad_input = self._run_hooks(grad_input)
        return tuple(g for g, needs in zip(grad_input, self.input_mask) if needs)

    def _run_hooks(self, grad_input: tuple) -> tuple:
        module = self.module
        for hook in module._backward_hooks.values():
            result = hook(module, grad_input, self.grad_outputs)
            if result is not None:
                grad_input = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        return grad_input


def _insert(table: OrderedDict, key: int, hook: Callable, prepend: bool) -> None:
    table[key] = hook
    if prepend:
        table.move_to_end(key, last=False)


def _is_dtype_name(name: str) -> bool:
    try:
        autograd.dtypes.as_dtype(name)
    except (TypeError, ValueError, KeyError):
        return False
    return True
