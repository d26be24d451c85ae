"""Chinese fonts: chosen by coverage, set in matplotlib, and real text in every format."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis import fonts
from analysis.errors import InputError

LABELS = ["长三角国家高新区", "苏州工业园区", "无锡国家高新区", "党建联盟联席会议"]


@pytest.fixture(autouse=True)
def _restore_fonts(monkeypatch):
    """Each test starts with no font chosen and leaves matplotlib's settings as found."""
    monkeypatch.delenv("ANALYSIS_FONT", raising=False)
    saved = fonts._current
    fonts._current = None
    with mpl.rc_context():
        yield
    fonts._current = saved


def _bundled(name: str) -> Path:
    folder = fonts._bundled_dir()
    if folder is None or not (folder / name).is_file():
        pytest.skip(f"mplfonts does not ship {name}")
    return folder / name


def _figure(text: str) -> Figure:
    fig = Figure(figsize=(4, 3), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(text)
    ax.set_xlabel(LABELS[1])
    ax.plot([0, 1], [-1, 1])
    return fig


def test_chosen_font_draws_every_label():
    font = fonts.use_font()
    assert font.path.is_file()
    assert fonts.missing_glyphs(LABELS) == set()


def test_use_font_sets_matplotlib():
    font = fonts.use_font()
    assert mpl.rcParams["font.sans-serif"][0] == font.family
    assert "sans-serif" in mpl.rcParams["font.family"]
    assert mpl.rcParams["axes.unicode_minus"] is False
    assert mpl.rcParams["svg.fonttype"] == "path"
    assert mpl.rcParams["pdf.fonttype"] == font.pdf_fonttype


def test_default_font_is_an_open_licence_one_and_pdf_type_matches_its_outlines():
    font = fonts.find_cjk_font()
    if font.source == "mplfonts":  # no CJK font installed, as on CI
        assert font.family == "Noto Sans CJK SC"  # OFL, unlike the bundled SimHei
        assert not font.truetype_outlines and font.pdf_fonttype == 3
    else:
        assert font.pdf_fonttype == (42 if font.truetype_outlines else 3)


def test_truetype_font_is_embedded_as_type42(monkeypatch):
    monkeypatch.setenv("ANALYSIS_FONT", str(_bundled("SimHei.ttf")))
    font = fonts.find_cjk_font()
    assert font.truetype_outlines and font.pdf_fonttype == 42


def test_placeholder_font_is_not_taken_for_chinese():
    last_resort = Path(mpl.get_data_path()) / "fonts" / "ttf" / "LastResortHE-Regular.ttf"
    if not last_resort.is_file():
        pytest.skip("this matplotlib has no Last Resort font")
    codepoints, _ = fonts._font_info(str(last_resort), 0)
    assert ord("高") not in codepoints
    assert "Last Resort" not in fonts.find_cjk_font().family


def test_the_quick_probe_of_installed_fonts_agrees_with_their_character_maps():
    # every installed face, the placeholder font and the bundled CJK fonts among them
    paths = {e.fname for e in mpl.font_manager.fontManager.ttflist}
    paths |= {str(_bundled("NotoSansCJKsc-Regular.otf")), str(_bundled("SimHei.ttf"))}
    answers = {p: fonts._draws_probe(p, 0) for p in sorted(paths)}
    assert answers == {p: fonts._covers(p, 0) for p in sorted(paths)}
    assert answers[str(_bundled("SimHei.ttf"))] is True
    assert fonts._truetype(str(_bundled("SimHei.ttf"))) is True
    assert fonts._truetype(str(_bundled("NotoSansCJKsc-Regular.otf"))) is False
    last_resort = Path(mpl.get_data_path()) / "fonts" / "ttf" / "LastResortHE-Regular.ttf"
    if last_resort.is_file():
        assert fonts._draws_probe(str(last_resort), 0) is False


def test_missing_glyphs_reports_what_the_font_lacks():
    font = fonts.use_font()
    assert fonts.missing_glyphs("园区\U0001f600", font) == {"\U0001f600"}


@pytest.mark.parametrize("name", ["NotoSansCJKsc-Regular.otf", "SimHei.ttf"])
def test_missing_glyphs_agree_with_the_fonts_character_map(name):
    # FreeType's glyph lookups give what the whole character map (fontTools) gives
    path = _bundled(name)
    font = fonts.CJKFont("any", path, 0, fonts._truetype(str(path)), "setting")
    texts = ["园区 Zone ①², é", "\u3400\u4dbf\u9fff\U00020000\U0001f600\u2212\ufffd", "㐀𠀀"]
    codepoints, _ = fonts._font_info(str(path), 0)
    expected = {ch for ch in "".join(texts) if not ch.isspace() and ord(ch) not in codepoints}
    assert expected  # (some characters these fonts lack)
    assert fonts.missing_glyphs(texts, font) == expected


def test_setting_names_a_font_file(monkeypatch):
    path = _bundled("NotoSansCJKsc-Regular.otf")
    monkeypatch.setenv("ANALYSIS_FONT", str(path))
    font = fonts.use_font()
    assert font.family == "Noto Sans CJK SC"
    assert font.source == "setting"
    assert not font.truetype_outlines
    assert mpl.rcParams["pdf.fonttype"] == 3  # Type 42 would be a malformed PDF


def test_setting_names_a_family(monkeypatch):
    _bundled("SimHei.ttf")
    monkeypatch.setenv("ANALYSIS_FONT", "SimHei")
    assert fonts.use_font().family == "SimHei"


def test_use_font_argument_overrides_setting(monkeypatch):
    monkeypatch.setenv("ANALYSIS_FONT", "SimHei")
    path = _bundled("NotoSansCJKsc-Regular.otf")
    assert fonts.use_font(path).family == "Noto Sans CJK SC"


@pytest.mark.parametrize("setting", ["No Such Font Family", "/nowhere/font.ttf"])
def test_unknown_font_is_a_clear_error(monkeypatch, setting):
    monkeypatch.setenv("ANALYSIS_FONT", setting)
    with pytest.raises(InputError):
        fonts.use_font()


def test_png_has_no_missing_glyph_warnings():
    fonts.use_font()
    fig = _figure(LABELS[0] + " −5")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(fig).draw()
    assert not [w for w in caught if "missing from font" in str(w.message)]


def _glyph_image(char: str) -> np.ndarray:
    fig = Figure(figsize=(0.6, 0.6), dpi=60)
    fig.text(0.5, 0.5, char, fontsize=24, ha="center", va="center")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0]


def test_png_draws_distinct_glyphs_not_boxes():
    """Boxes for missing glyphs all look alike; real characters do not."""
    fonts.use_font()
    images = [_glyph_image(ch) for ch in "高新区园"]
    assert all((img < 128).sum() > 20 for img in images), "a character drew nothing"
    for i in range(len(images)):
        for j in range(i + 1, len(images)):
            assert not np.array_equal(images[i], images[j])


def _pdftotext(path: Path) -> tuple[str, str]:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    return result.stdout, result.stderr


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
@pytest.mark.parametrize("font_file", [None, "SimHei.ttf", "NotoSansCJKsc-Regular.otf"])
def test_pdf_text_is_searchable_chinese(tmp_path, font_file):
    font = fonts.use_font(_bundled(font_file) if font_file else None)
    if not fonts.pdf_text_searchable(font):
        pytest.skip(f"matplotlib {mpl.__version__} writes CFF fonts without their characters")
    path = tmp_path / "labels.pdf"
    _figure(LABELS[0]).savefig(path)
    text, errors = _pdftotext(path)
    assert LABELS[0] in text
    assert LABELS[1] in text
    assert "Mismatch" not in errors  # poppler's complaint about a CFF font in a Type 42 slot


def test_svg_draws_the_glyphs_so_any_viewer_shows_them(tmp_path):
    # no <text> naming a family the viewer may lack: each glyph an outline of the font,
    # the label kept as a comment
    font = fonts.use_font()
    path = tmp_path / "labels.svg"
    _figure(LABELS[0]).savefig(path)
    svg = path.read_text(encoding="utf-8")
    assert "<text" not in svg and font.family not in svg
    assert f"<!-- {LABELS[0]} -->" in svg
    assert svg.count("<path id=") >= len(set(LABELS[0]))  # a glyph outline per character


def test_font_path_is_usable_by_pillow():
    from PIL import ImageFont

    font = ImageFont.truetype(str(fonts.font_path()), 32)
    left, _, right, _ = font.getbbox("高新区")
    assert right - left > 60
