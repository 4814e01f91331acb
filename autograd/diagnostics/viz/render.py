"""Which Graphviz layout program renders drawings: the system ``dot`` when it is on PATH, else the
pip-installed ``graphviz-pure`` (a dot-compatible command, a default dependency where it has
wheels).

The graphviz Python package runs ``graphviz.backend.dot_command.DOT_BINARY`` for every render,
pipe and Jupyter display; ``renderer()`` points it at the chosen program for the duration of one
call, so the package's whole API (``render(filename, directory=, format=, outfile=, cleanup=,
view=)``, ``pipe(format=)``, ``_repr_mimebundle_``) works the same through either program.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig

INSTALL_HELP = (
    "draw_graph: cannot render, no Graphviz layout program was found. `pip install graphviz-pure` "
    "(a default dependency of topograd where it has wheels: Linux/macOS/Windows on x86_64 and "
    "arm64) or install the system Graphviz (Debian/Ubuntu: `sudo apt-get install graphviz`, "
    "macOS: `brew install graphviz`, conda: `conda install graphviz`). The graph itself is fine: "
    "`.source` has its DOT text and print_graph(...) prints it as a tree."
)

PIP_RENDERER = "graphviz-pure"


def find_pip_renderer() -> str | None:
    """Path of the ``graphviz-pure`` executable: on PATH, else in this interpreter's scripts
    directory (a Jupyter kernel started from a venv's python without activating it)."""
    found = shutil.which(PIP_RENDERER)
    if found:
        return found
    exe = PIP_RENDERER + (".exe" if os.name == "nt" else "")
    for folder in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        candidate = os.path.join(folder, exe)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def renderer_available() -> str | None:
    """Which layout program rendering will use: 'dot' (system Graphviz, preferred when present),
    'graphviz-pure' (the pip renderer) or None."""
    if shutil.which("dot"):
        return "dot"
    return PIP_RENDERER if find_pip_renderer() else None


@functools.lru_cache(maxsize=8)
def _pip_formats(program: str) -> frozenset:
    """Output formats ``program`` accepts, from the list it prints for an unknown format."""
    result = subprocess.run([program, "-T?"], input=b"digraph{}", capture_output=True,
                            check=False)
    match = re.search(r"Use one of:(.*)", result.stderr.decode(errors="replace"))
    return frozenset(match.group(1).split()) if match else frozenset()


def check_format(fmt: str | None) -> None:
    """A clear error when the pip renderer (in use because ``dot`` is missing) lacks ``fmt``."""
    if fmt is None or renderer_available() != PIP_RENDERER:
        return
    formats = _pip_formats(find_pip_renderer())
    base = fmt.split(":")[0].lower()
    if formats and base not in formats:
        shown = ", ".join(sorted(f for f in formats if f in ("svg", "png", "jpeg", "json",
                                                              "dot", "plain", "xdot")))
        raise ValueError(
            f"draw_graph: format {fmt!r} is not supported by the pip renderer graphviz-pure "
            f"(it writes {shown}, ...); render as 'svg' or 'png', or install the system Graphviz "
            f"for {base!r}")


def format_of(filename=None, format: str | None = None, outfile=None,
              default: str | None = None) -> str | None:
    """The output format a graphviz render call will produce."""
    if format is not None:
        return format
    if outfile is not None:
        suffix = pathlib.Path(os.fspath(outfile)).suffix.lstrip(".")
        return suffix or default
    return default


@contextlib.contextmanager
def renderer():
    """Make the graphviz package run the chosen layout program inside this block; raises
    RuntimeError with install help when there is none."""
    from graphviz.backend import dot_command

    which = renderer_available()
    if which is None:
        raise RuntimeError(INSTALL_HELP)
    if which == "dot":
        yield which
        return
    previous = dot_command.DOT_BINARY
    dot_command.DOT_BINARY = pathlib.Path(find_pip_renderer())
    try:
        yield which
    finally:
        dot_command.DOT_BINARY = previous
