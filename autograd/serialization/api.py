"""save / load (torch.save / torch.load): PyTorch's zip format by default, and every format
load recognises by its first bytes (PyTorch zip, this project's older format, safetensors, npz).

The safety rule: ``load`` runs no code from a file unless told ``weights_only=False``. By default
only tensors, storages, dtypes, containers and numbers are rebuilt, plus the classes and
functions the caller allowed (``safe_globals``); anything else is refused, naming the global.
"""

from __future__ import annotations

import io
import os
import pickle
import zipfile

from ..tensor import device
from . import legacy, native, npz, safetensors, torch_format
from .errors import LoadError, damaged


def save(obj, f, pickle_module=None, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True,
         _disable_byteorder_record: bool = False) -> None:
    """Write ``obj`` to a path or a binary file object in PyTorch's zip format, which
    ``torch.load(f, weights_only=True)`` reads (torch.save). Tensors, Parameters, state_dicts,
    optimizer states and whole modules (pickled like PyTorch does) can be saved.

    The legacy non-zip format (``_use_new_zipfile_serialization=False``) is not written; the
    zip format, which every PyTorch since 1.6 reads, is written instead."""
    if pickle_module not in (None, pickle):
        raise TypeError("save: only the standard pickle module is supported as pickle_module")
    if not isinstance(pickle_protocol, int) or not 2 <= pickle_protocol <= pickle.HIGHEST_PROTOCOL:
        raise ValueError(f"save: pickle_protocol must be an int from 2 to "
                         f"{pickle.HIGHEST_PROTOCOL}, got {pickle_protocol!r}")
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fp:
            torch_format.save_zip(obj, fp, pickle_protocol)
    elif not hasattr(f, "write"):
        raise TypeError(f"save: expected a path or a binary file object, got "
                        f"{type(f).__name__}")
    else:
        torch_format.save_zip(obj, f, pickle_protocol)


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = None,
         mmap: bool | None = None, **pickle_load_args):
    """Read a file written by ``save`` or ``torch.save`` (torch.load), or a safetensors or
    .npz file (a dict of tensors), from a path or a binary file object.

    ``weights_only`` (default True, as in PyTorch 2.6+) rebuilds only tensors, containers,
    numbers and the globals allowed with ``safe_globals``/``add_safe_globals``; anything else
    is refused before it can run. ``weights_only=False`` unpickles arbitrary objects: it can
    execute code, so use it only for files from a trusted source. ``map_location`` may be
    'cpu', a device, a dict of location renames or a callable ``(storage, location)``;
    ``mmap=True`` maps storages of a file path copy-on-write instead of reading them."""
    if weights_only is None:
        weights_only = True
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified")
    _check_map_location(map_location)
    path = os.fspath(f) if isinstance(f, (str, os.PathLike)) else None
    if mmap and path is None:
        raise ValueError("load: f must be a file path in order to use the mmap argument")
    name = f"'{path}'" if path is not None else "the given file object"
    if path is not None:
        with open(path, "rb") as fp:
            return _load_stream(fp, name, map_location, weights_only,
                                path if mmap else None, pickle_load_args)
    if not hasattr(f, "read"):
        raise TypeError(f"load: expected a path or a binary file object, got {type(f).__name__}")
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    return _load_stream(f, name, map_location, weights_only, None, pickle_load_args)


def _check_map_location(map_location) -> None:
    if map_location is None or callable(map_location) or isinstance(map_location, dict):
        return
    if not isinstance(map_location, (str, device)):
        raise TypeError(f"load: map_location must be a str, device, dict or callable, got "
                        f"{type(map_location).__name__}")
    device(map_location)  # refuses anything but the CPU


def _load_stream(fp, name: str, map_location, weights_only: bool, mmap_path,
                 pickle_load_args: dict):
    start = fp.tell()
    head = fp.read(16)
    fp.seek(start)
    if isinstance(head, str):
        raise TypeError("load: the file object must be opened in binary mode ('rb')")
    if not head:
        raise LoadError(f"load: {name} is empty")
    if head[:2] == b"PK":
        return _load_zip(fp, start, name, map_location, weights_only, mmap_path,
                         pickle_load_args)
    if head[:1] == b"\x80":  # the PROTO opcode that starts a protocol 2+ pickle
        if legacy.is_legacy(fp):
            return legacy.load_legacy(fp, name, map_location=map_location,
                                      weights_only=weights_only,
                                      encoding=pickle_load_args.get("encoding", "utf-8"))
        raise LoadError(f"load: {name} is a bare pickle (pickle.dump?), not a checkpoint: "
                        f"refusing to unpickle it, since loading a pickle can run arbitrary "
                        f"code")
    data = fp.read()
    if safetensors.looks_like_safetensors(data):
        return safetensors.read_safetensors(data, name)
    raise LoadError(f"load: {name} is not a checkpoint this library knows (leading bytes "
                    f"{head[:4]!r}: not a zip archive, safetensors file or PyTorch file)")


def _load_zip(fp, start: int, name: str, map_location, weights_only: bool, mmap_path,
              pickle_load_args):
    try:
        zf = zipfile.ZipFile(fp)
        names = zf.namelist()
    except Exception as exc:  # noqa: BLE001 - zipfile raises many kinds on damaged input
        raise damaged(name, exc) from exc
    with zf:
        prefix = torch_format.find_pickle(names)
        if prefix is not None:
            return torch_format.load_zip(
                zf, prefix, name, map_location=map_location, weights_only=weights_only,
                mmap_path=mmap_path, encoding=pickle_load_args.get("encoding", "utf-8"))
        try:
            if "structure.json" in names:
                return native.read_native(zf, name)
            if npz.is_npz(names):
                fp.seek(start)
                return npz.load_npz(fp.read(), name)
        except LoadError:
            raise
        except Exception as exc:  # noqa: BLE001 - zipfile raises many kinds on damaged input
            raise damaged(name, exc) from exc
    raise LoadError(f"load: {name} is a zip archive but not a checkpoint: it has no data.pkl "
                    f"(PyTorch), structure.json (this library's older format) or .npy members "
                    f"(numpy.savez)")


def get_unsafe_globals_in_checkpoint(f) -> list[str]:
    """The globals in a torch.save zip file that a weights-only load would refuse now (not
    counting those already allowed), read without unpickling anything
    (torch.serialization.get_unsafe_globals_in_checkpoint)."""
    name = f"'{os.fspath(f)}'" if isinstance(f, (str, os.PathLike)) else "the given file object"
    try:
        with zipfile.ZipFile(f) as zf:
            prefix = torch_format.find_pickle(zf.namelist())
            if prefix is None:
                raise LoadError(f"get_unsafe_globals_in_checkpoint: {name} is not a torch.save "
                                f"zip file")
            return torch_format.unsafe_globals(zf.read(prefix + "data.pkl"))
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged input of any kind becomes one error
        raise damaged(name, exc) from exc
