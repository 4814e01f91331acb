"""Rendering: SVG through dot, inline Jupyter display, the graphviz-pure fallback, the error."""

import shutil

import pytest

import autograd as torch
from autograd import viz
from autograd.diagnostics.viz import draw as viz_draw


def small_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    return (x * w).tanh().sum(), {"w": w}


needs_renderer = pytest.mark.skipif(viz.renderer_available() is None,
                                    reason="no Graphviz dot and no graphviz-pure installed")


@needs_renderer
def test_render_writes_exactly_the_named_svg(tmp_path):
    loss, params = small_graph()
    path = torch.draw_graph(loss, params=params).render(str(tmp_path / "graph.svg"))
    assert path == str(tmp_path / "graph.svg")
    text = (tmp_path / "graph.svg").read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "TanhBackward0" in text and ">w<" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.svg"]


@needs_renderer
def test_inline_display_in_jupyter_is_svg():
    loss, params = small_graph()
    g = torch.draw_graph(loss, params=params)
    svg = g._repr_svg_()
    assert "<svg" in svg and "MulBackward0" in svg
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]
    assert g._repr_mimebundle_(include=["image/svg+xml"], exclude=["image/svg+xml"]) == {}


def _hide_dot(monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(viz_draw.shutil, "which",
                        lambda name, *a, **k: None if name == "dot" else real_which(name, *a, **k))


@pytest.mark.skipif(viz_draw._find_fallback() is None, reason="graphviz-pure is not installed")
def test_without_dot_the_graphviz_pure_fallback_renders(monkeypatch, tmp_path):
    _hide_dot(monkeypatch)
    assert viz.renderer_available() == "graphviz-pure"
    loss, params = small_graph()
    g = torch.draw_graph(loss, params=params)
    assert "<svg" in g._repr_svg_()
    path = g.render(str(tmp_path / "fallback.svg"))
    assert "SumBackward0" in (tmp_path / "fallback.svg").read_text()
    assert path.endswith("fallback.svg")


def test_without_any_renderer_one_clear_error_says_how_to_install(monkeypatch, tmp_path):
    _hide_dot(monkeypatch)
    monkeypatch.setattr(viz_draw, "_find_fallback", lambda: None)
    assert viz.renderer_available() is None
    loss, params = small_graph()
    g = torch.draw_graph(loss, params=params)
    for call in (g._repr_svg_, lambda: g.render(str(tmp_path / "g.svg")), lambda: g.pipe()):
        with pytest.raises(RuntimeError, match="apt-get install graphviz") as info:
            call()
        assert "graphviz-pure" in str(info.value) and "print_graph" in str(info.value)
    assert "digraph" in g.source  # the DOT text is still there
    with open(tmp_path / "out.txt", "w") as f:
        assert "TanhBackward0" in torch.print_graph(loss, file=f)


def test_without_the_graphviz_package_print_graph_still_works(monkeypatch):
    monkeypatch.setattr(viz_draw, "graphviz", None)
    loss, params = small_graph()
    with pytest.raises(ImportError, match="pip install graphviz"):
        torch.draw_graph(loss)
    assert "w [parameter]" in torch.print_graph(loss, params=params)


def test_collapse_without_module_scopes_says_why():
    loss, _ = small_graph()
    g = torch.draw_graph(loss, collapse="module")
    assert "no module scopes" in g.source
