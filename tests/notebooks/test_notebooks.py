"""Every notebook in notebooks/ is committed executed, with outputs made from its current code, and
still runs top to bottom (its asserts check the claims it makes) with the same kinds of pictures.

When the first test fails: `python notebooks/regenerate.py` (then commit the notebooks)."""

import importlib.util
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_spec = importlib.util.spec_from_file_location("regenerate", ROOT / "notebooks" / "regenerate.py")
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)

PICTURES = ("image/png", "image/svg+xml")


def _pictures(nb) -> list:
    """Per code cell, the picture types it displays."""
    return [sorted({kind for out in cell.outputs for kind in out.get("data", {})
                    if kind in PICTURES})
            for cell in nb.cells if cell.cell_type == "code"]


def test_all_fourteen_notebooks_are_there():
    assert len(NOTEBOOKS) == 14


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_were_made_from_the_current_code(path):
    nb = nbformat.read(path, as_version=4)
    stored = nb.metadata.get("topograd", {}).get("code_sha256")
    assert stored == regenerate.code_sha256(nb), \
        f"{path.name}: code changed since its outputs were made: python notebooks/regenerate.py"
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert not [out for cell in code for out in cell.outputs if out.output_type == "error"]
    assert path.stat().st_size < 400_000, f"{path.name}: outputs too big"


def test_the_notebooks_show_their_pictures():
    pictures = {p.stem: sum(map(bool, _pictures(nbformat.read(p, as_version=4))))
                for p in NOTEBOOKS}
    assert all(count >= 1 for count in pictures.values()), pictures
    graphs = [p.stem for p in NOTEBOOKS if any(
        "image/svg+xml" in kinds for kinds in _pictures(nbformat.read(p, as_version=4)))]
    assert "01_computation_graphs" in graphs and "09_modern_cnn_blocks" in graphs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_draws_the_same_pictures(path, tmp_path):
    committed = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    regenerate.execute(nb, tmp_path)
    assert _pictures(nb) == _pictures(committed)


def test_the_staleness_hash_follows_code_cells_only():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# title"),
                                         nbformat.v4.new_code_cell("x = 1")])
    before = regenerate.code_sha256(nb)
    nb.cells[0].source = "# another title"
    assert regenerate.code_sha256(nb) == before
    nb.cells[1].source = "x = 2"
    assert regenerate.code_sha256(nb) != before


def test_regeneration_shrinks_pictures_losslessly_enough():
    import base64
    import io

    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [0, 1, 4], label="a line")
    ax.legend()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    png = base64.b64encode(buf.getvalue()).decode()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("plot()", outputs=[
        nbformat.v4.new_output("display_data", data={"image/png": png})])])
    regenerate.shrink_pictures(nb)
    small = base64.b64decode(nb.cells[0].outputs[0]["data"]["image/png"])
    assert len(small) < 0.6 * len(buf.getvalue())
    assert Image.open(io.BytesIO(small)).size == Image.open(buf).size
