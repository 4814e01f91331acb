"""Rendering through either layout program: the system ``dot`` (faked here by a script on PATH that
delegates to the pip renderer and logs its calls) or the pip-installed ``graphviz-pure`` when
``dot`` is missing. The graphviz package's whole API works the same through both."""

import os
import pathlib
import shutil

import pytest

import autograd as torch
from autograd import viz
from autograd.diagnostics.viz import draw as viz_draw
from autograd.diagnostics.viz import render as viz_render

PIP = viz_render.find_pip_renderer()
needs_pip = pytest.mark.skipif(PIP is None, reason="graphviz-pure is not installed")


def small_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    return (x * w).tanh().sum(), {"w": w}


def _path_without_dot() -> str:
    return os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep)
                           if d and not os.path.exists(os.path.join(d, "dot")))


@pytest.fixture(params=["pip", "system"])
def renderer(request, monkeypatch, tmp_path):
    """Which program should render, with PATH arranged so that it is the one found; yields
    (name, log file of the fake system dot)."""
    if PIP is None:
        pytest.skip("graphviz-pure is not installed")
    path = _path_without_dot()
    log = tmp_path / "dot_calls.log"
    if request.param == "system":
        bindir = tmp_path / "fakebin"
        bindir.mkdir()
        fake = bindir / "dot"
        fake.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{PIP}" "$@"\n')
        fake.chmod(0o755)
        path = str(bindir) + os.pathsep + path
    monkeypatch.setenv("PATH", path)
    expected = "dot" if request.param == "system" else "graphviz-pure"
    assert viz.renderer_available() == expected
    yield expected, log
    if request.param == "system":
        assert log.exists(), "the system dot was on PATH but was not used"
    else:
        assert not log.exists()


def test_system_dot_wins_and_pip_renderer_is_the_fallback(renderer):
    name, _ = renderer
    loss, params = small_graph()
    svg = torch.draw_graph(loss, params=params).pipe(format="svg", encoding="utf-8")
    assert "<svg" in svg and "TanhBackward0" in svg
    assert viz_render.renderer_available() == name


def test_render_shorthand_writes_exactly_the_named_file(renderer, tmp_path):
    loss, params = small_graph()
    out = tmp_path / "out"
    out.mkdir()
    path = torch.draw_graph(loss, params=params).render(str(out / "graph.svg"))
    assert path == str(out / "graph.svg")
    text = (out / "graph.svg").read_text()
    assert text.lstrip().startswith("<?xml") and "TanhBackward0" in text and ">w<" in text
    assert sorted(p.name for p in out.iterdir()) == ["graph.svg"]


def test_render_with_format_and_cleanup_like_graphviz(renderer, tmp_path):
    loss, _ = small_graph()
    g = torch.draw_graph(loss)
    path = g.render(str(tmp_path / "graph"), format="svg", cleanup=True)
    assert path == str(tmp_path / "graph.svg")
    assert "<svg" in pathlib.Path(path).read_text()
    assert not (tmp_path / "graph").exists()          # cleanup removed the DOT source


def test_render_with_directory_keeps_the_source_without_cleanup(renderer, tmp_path):
    loss, _ = small_graph()
    path = torch.draw_graph(loss).render("step", directory=str(tmp_path), format="png")
    assert pathlib.Path(path) == tmp_path / "step.png"
    assert (tmp_path / "step.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "digraph" in (tmp_path / "step").read_text()


def test_render_to_outfile(renderer, tmp_path):
    loss, _ = small_graph()
    path = torch.draw_graph(loss).render(outfile=tmp_path / "picture.svg", view=False)
    assert pathlib.Path(path).resolve() == (tmp_path / "picture.svg").resolve()
    assert "<svg" in (tmp_path / "picture.svg").read_text()


def test_pipe_png_and_default_format(renderer):
    loss, _ = small_graph()
    g = torch.draw_graph(loss)
    assert g.pipe(format="png")[:4] == b"\x89PNG"
    assert g.pipe().lstrip().startswith(b"<?xml")  # draw_graph's default format is svg


def test_inline_display_in_jupyter_is_svg(renderer):
    loss, params = small_graph()
    g = torch.draw_graph(loss, params=params)
    assert "<svg" in g._repr_svg_() and "MulBackward0" in g._repr_svg_()
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]
    assert g._repr_mimebundle_(include=["image/png"])["image/png"][:4] == b"\x89PNG"
    assert g._repr_mimebundle_(include=["image/svg+xml"], exclude=["image/svg+xml"]) == {}


def test_the_graphviz_package_setting_is_restored_after_each_call(renderer):
    from graphviz.backend import dot_command

    before = dot_command.DOT_BINARY
    loss, _ = small_graph()
    torch.draw_graph(loss).pipe()
    assert dot_command.DOT_BINARY == before


@needs_pip
def test_a_format_the_pip_renderer_lacks_is_named_in_the_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", _path_without_dot())
    loss, _ = small_graph()
    g = torch.draw_graph(loss)
    for call in (lambda: g.render(str(tmp_path / "g"), format="pdf"),
                 lambda: g.render(str(tmp_path / "g.pdf")),
                 lambda: g.render(outfile=str(tmp_path / "x.pdf")),
                 lambda: g.pipe(format="pdf")):
        with pytest.raises(ValueError, match="format 'pdf' is not supported by the pip renderer"):
            call()


@needs_pip
def test_the_pip_renderer_is_found_without_an_activated_venv(monkeypatch):
    monkeypatch.setenv("PATH", os.pathsep.join(
        d for d in _path_without_dot().split(os.pathsep)
        if not os.path.exists(os.path.join(d, "graphviz-pure"))))
    assert shutil.which("graphviz-pure") is None
    assert viz.renderer_available() == "graphviz-pure"
    loss, _ = small_graph()
    assert b"<svg" in torch.draw_graph(loss).pipe()


def test_without_any_renderer_one_clear_error_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", _path_without_dot())
    monkeypatch.setattr(viz_render, "find_pip_renderer", lambda: None)
    assert viz.renderer_available() is None
    loss, params = small_graph()
    g = torch.draw_graph(loss, params=params)
    for call in (g._repr_svg_, lambda: g.render(str(tmp_path / "g.svg")), lambda: g.pipe(),
                 lambda: g.render(str(tmp_path / "g"), format="svg")):
        with pytest.raises(RuntimeError, match="pip install graphviz-pure") as info:
            call()
        assert "apt-get install graphviz" in str(info.value) and "print_graph" in str(info.value)
    # Jupyter shows the reason as text, never a traceback
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "pip install graphviz-pure" in bundle["text/plain"]
    assert "digraph" in g.source  # the DOT text is still there
    with open(tmp_path / "out.txt", "w") as f:
        assert "TanhBackward0" in torch.print_graph(loss, file=f)


def test_without_the_graphviz_package_print_graph_still_works(monkeypatch):
    monkeypatch.setattr(viz_draw, "graphviz", None)
    loss, params = small_graph()
    with pytest.raises(ImportError, match="pip install graphviz"):
        torch.draw_graph(loss)
    assert "w [parameter]" in torch.print_graph(loss, params=params, file=open(os.devnull, "w"))


def test_collapse_without_module_scopes_says_why():
    loss, _ = small_graph()
    g = torch.draw_graph(loss, collapse="module")
    assert "no module scopes" in g.source
