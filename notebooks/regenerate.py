"""Execute the notebooks and store them with their outputs (graphs, plots, printed results).

    python notebooks/regenerate.py                 # all of them
    python notebooks/regenerate.py 01 09           # the ones whose names start so

Each notebook seeds its own random streams, so reruns print the same numbers. The hash of its code
cells goes into its metadata (``topograd.code_sha256``); ``tests/notebooks`` fails when the code
changed after the outputs were made, so committed outputs never drift from the code beside them.
Pictures are inline: matplotlib figures as PNG (stored with a small palette), computation graphs
as SVG.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import pathlib
import re
import sys
import tempfile

import nbclient
import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def code_sha256(nb) -> str:
    """Hash of the notebook's code cells, in order."""
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    return hashlib.sha256(json.dumps(sources).encode()).hexdigest()


@contextlib.contextmanager
def _kernel_environment():
    """The kernel imports this checkout, draws figures inline and hashes strings reproducibly."""
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "MPLBACKEND", "PYTHONHASHSEED")}
    old_path = saved["PYTHONPATH"]
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + old_path if old_path else "")
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    os.environ["PYTHONHASHSEED"] = "0"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute(nb, workdir: str | os.PathLike, timeout: int = 300):
    """Run every cell of ``nb`` (in place) with the working directory ``workdir``."""
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     record_timing=False,
                                     resources={"metadata": {"path": str(workdir)}})
    with _kernel_environment():
        client.execute()
    return nb


def shrink_pictures(nb, colors: int = 128) -> None:
    """Store matplotlib's PNGs with a palette of ``colors`` (a plot uses few): about 4x smaller,
    so notebooks stay light to clone and to view on GitHub."""
    from PIL import Image

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" not in data:
                continue
            raw = base64.b64decode(data["image/png"])
            image = Image.open(io.BytesIO(raw)).convert("RGB")
            small = io.BytesIO()
            image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT,
                           dither=Image.Dither.NONE).save(small, "PNG", optimize=True)
            if small.tell() < len(raw):
                data["image/png"] = base64.b64encode(small.getvalue()).decode("ascii")


def normalise_text(nb) -> None:
    """Cells run as files named after the kernel's process id (``/tmp/ipykernel_4242/...``);
    printed source locations keep ``ipykernel_<pid>`` instead, so reruns store the same text."""
    pid = re.compile(r"ipykernel_\d+")
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = pid.sub("ipykernel_<pid>", out["text"])
            data = out.get("data", {})
            if isinstance(data.get("text/plain"), str):
                data["text/plain"] = pid.sub("ipykernel_<pid>", data["text/plain"])


def regenerate(path: pathlib.Path) -> int:
    """Execute one notebook and write it back with outputs; returns its size in bytes."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    with tempfile.TemporaryDirectory() as workdir:
        execute(nb, workdir)
    shrink_pictures(nb)
    normalise_text(nb)
    nb.metadata["topograd"] = {"code_sha256": code_sha256(nb),
                               "regenerate": "python notebooks/regenerate.py"}
    nb.metadata.get("language_info", {}).pop("version", None)  # machine-specific
    nbformat.write(nb, path)
    return path.stat().st_size


def main(argv=None) -> int:
    prefixes = list(sys.argv[1:] if argv is None else argv)
    paths = sorted(p for p in NOTEBOOKS.glob("*.ipynb")
                   if not prefixes or any(p.name.startswith(x) for x in prefixes))
    if not paths:
        print(f"no notebook matches {prefixes}", file=sys.stderr)
        return 1
    for path in paths:
        size = regenerate(path)
        print(f"{path.relative_to(ROOT)}: executed, {size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
