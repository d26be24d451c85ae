"""Every notebook runs with papermill, on the sample data and on a corpus given as a
parameter, reads as a short report (a finding under each chart, Chinese labels, no raw
event rows) and exports to HTML that shows its Chinese without system fonts."""

from __future__ import annotations

import base64
import importlib
import io
import json
import re

import pytest

from analysis import config

NOTEBOOKS_DIR = config.PROJECT_ROOT / "notebooks"
FIGURES = {
    "01_load_articles": ["01_article_lengths"],
    "02_event_frequency": ["02_event_timeline", "02_events_by_park"],
    "03_organisation_mentions": ["03_park_mentions", "03_org_mentions", "03_co_mentions"],
    "04_keywords": ["04_keywords", "04_wordcloud"],
}
#: The parameters every notebook takes (papermill's ``parameters`` cell).
PARAMETERS = [
    "input_dir",
    "parks",
    "provinces",
    "parks_only",
    "since",
    "until",
    "figures_dir",
    "processed_dir",
]
#: What the notebooks call besides the plot helpers.
NEEDED = [
    "build",
    "Focus",
    "focus_tables",
    "select_articles",
    "event_counts",
    "event_table",
    "readable_table",
    "notebook_html",
    "save_figure",
]
#: English event type codes and entity kinds that must not reach a reader.
CODES = re.compile(
    r"\b(meeting|signing|establishment|unveiling|launch|release|visit|project|"
    r"company|government|research|association|type_label|n_events|article_id)\b"
)

#: A tiny corpus in the shape of regional news (written for this test), as JSON Lines.
TINY = [
    ("无锡高新区与三家企业签约", "2024-01-15", "1月15日，无锡高新区与江南智能科技有限公司签署战略"
     "合作协议。双方将在物联网、传感器领域开展合作。"),
    ("苏州工业园区举办生物医药创新论坛", "2024-02-20", "2月20日，2024苏州工业园区生物医药创新"
     "论坛在苏州开幕。百余家企业参加论坛，共话抗体药物研发。"),
    ("无锡高新区集成电路项目开工", "2024-03-05", "3月5日，无锡高新区集成电路封装测试项目开工。"
     "项目总投资20亿元，由华润微电子有限公司投资建设。"),
    ("市科技局召开年度工作会议", "2024-03-18", "3月18日，无锡市科技局召开年度工作会议，部署全年"
     "科技创新工作。会议要求加快建设创新平台。"),
]  # fmt: skip


def _missing_functions() -> list[str]:
    import analysis

    missing = []
    for name in NEEDED:
        try:
            getattr(analysis, name)
        except (ImportError, AttributeError):
            missing.append(name)
    return missing


def _load(name: str) -> dict:
    return json.loads((NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))


def _run(name: str, tmp_path, **parameters):
    """Execute a notebook with papermill; the executed notebook."""
    missing = _missing_functions()
    if missing:
        pytest.skip(f"functions not written yet: {', '.join(missing)}")
    papermill = pytest.importorskip("papermill")
    nbformat = pytest.importorskip("nbformat")
    importlib.import_module("ipykernel")
    out = tmp_path / f"{name}.out.ipynb"
    parameters = {
        "figures_dir": str(tmp_path / "figures"),
        "processed_dir": str(tmp_path / "processed"),
        **parameters,
    }
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / f"{name}.ipynb"),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4), out


def _outputs(nb) -> list[tuple[int, dict]]:
    return [
        (i, o)
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    ]


def _findings(nb) -> list[str]:
    return [
        o["data"]["text/markdown"] for _, o in _outputs(nb) if "text/markdown" in o.get("data", {})
    ]


def _check_report(nb, name: str) -> None:
    """Each chart is shown once with a finding under it; no codes, no error, no raw rows."""
    outputs = _outputs(nb)
    charts = [(i, k) for k, (i, o) in enumerate(outputs) if "image/png" in o.get("data", {})]
    assert len(charts) == len(FIGURES[name])  # each chart is shown once, not twice
    for cell, k in charts:
        after = [o for i, o in outputs[k + 1 :] if i == cell]
        assert after and "text/markdown" in after[0].get("data", {}), f"no finding under chart {k}"
    texts = []
    for _, o in outputs:
        assert o.get("output_type") != "error", o
        data = o.get("data", {})
        texts += [data.get("text/markdown", ""), data.get("text/html", ""), o.get("text", "")]
    shown = "\n".join(texts)
    assert not CODES.search(shown), CODES.search(shown).group(0)
    assert "Empty DataFrame" not in shown
    for finding in _findings(nb):
        assert re.search(r"[\u4e00-\u9fff]", finding) and finding.rstrip().endswith("。")


def _write_tiny_corpus(folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "news.jsonl", "w", encoding="utf-8") as f:
        for title, date, body in TINY:
            row = {"title": title, "date": date, "paper": "示例日报", "body": body}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def test_every_notebook_is_listed():
    found = {p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb")}
    assert found == set(FIGURES)


@pytest.mark.parametrize("name", FIGURES)
def test_notebook_is_paired_stripped_and_parametrised(name):
    nb = _load(name)
    assert nb["metadata"]["jupytext"]["formats"] == "ipynb,py:percent"
    assert (NOTEBOOKS_DIR / f"{name}.py").is_file()
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "import analysis" in "".join(code[0]["source"])
    assert "parameters" in code[1]["metadata"].get("tags", [])
    names = re.findall(r"^(\w+) =", "".join(code[1]["source"]), flags=re.MULTILINE)
    assert names[: len(PARAMETERS)] == PARAMETERS
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert sum(c["cell_type"] == "markdown" for c in nb["cells"]) >= 3  # prose between charts


@pytest.mark.parametrize("name", FIGURES)
def test_notebook_matches_its_py_pair(name):
    jupytext = pytest.importorskip("jupytext")
    paired = jupytext.read(NOTEBOOKS_DIR / f"{name}.py")
    nb = _load(name)
    assert [c.source for c in paired.cells] == ["".join(c["source"]) for c in nb["cells"]]


@pytest.mark.parametrize("name", FIGURES)
def test_notebook_runs_on_sample_data(name, tmp_path):
    nb, _ = _run(name, tmp_path)
    for stem in FIGURES[name]:
        for ext in ("png", "svg", "pdf"):
            path = tmp_path / "figures" / f"{stem}.{ext}"
            assert path.is_file() and path.stat().st_size > 1000, path
    _check_report(nb, name)
    findings = _findings(nb)
    assert findings[0].startswith("读入 5 篇文章，未加筛选")  # the sample page's five articles


@pytest.mark.parametrize("name", FIGURES)
def test_notebook_runs_on_a_corpus_given_as_parameter(name, tmp_path):
    corpus = tmp_path / "corpus"
    _write_tiny_corpus(corpus)
    nb, _ = _run(name, tmp_path, input_dir=str(corpus), parks=["无锡高新区"], since="2024-02-01")
    _check_report(nb, name)
    findings = _findings(nb)
    # of the four articles, only the March one on 无锡高新区 is kept
    assert findings[0] == (
        "读入 4 篇文章，筛选条件为园区：无锡高新区；日期：2024-02-01 至 …，"
        "保留 1 篇（报纸日期 2024-03-05）。"
    )
    if name == "03_organisation_mentions":
        assert findings[1].startswith("被提及最多的园区是无锡高新区（1 篇文章）")


@pytest.mark.parametrize("name", ["02_event_frequency", "03_organisation_mentions"])
def test_notebook_says_so_when_the_focus_keeps_nothing(name, tmp_path):
    corpus = tmp_path / "corpus"
    _write_tiny_corpus(corpus)
    nb, _ = _run(name, tmp_path, input_dir=str(corpus), provinces=["安徽"])
    _check_report(nb, name)
    findings = _findings(nb)
    assert "保留 0 篇；以下图表没有数据" in findings[0]
    assert any(f.startswith(("没有", "已报道的事件都没有")) for f in findings[1:])


def _embedded_font_chars(page: str) -> set[str]:
    from fontTools.ttLib import TTFont

    found = re.search(r'url\("data:font/\w+;base64,([A-Za-z0-9+/=]+)"\)', page)
    assert found, "no embedded font"
    font = TTFont(io.BytesIO(base64.b64decode(found.group(1))))
    return {chr(c) for c in font.getBestCmap()}


def test_html_export_shows_chinese_without_system_fonts(tmp_path):
    import analysis

    _, executed = _run("02_event_frequency", tmp_path)
    page = analysis.notebook_html(executed, tmp_path / "02.html").read_text(encoding="utf-8")
    assert re.search(r'<meta charset="utf-8"', page[:2000], flags=re.IGNORECASE)
    # the text a reader sees (prose, tables, findings), without styles, scripts and images
    visible = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", page, flags=re.DOTALL | re.IGNORECASE)
    visible = re.sub(r"<[^>]+>", "", visible)
    cjk = {ch for ch in visible if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"}
    assert {"事", "件", "类", "型", "园", "区"} <= cjk  # table headers and prose are there
    assert cjk <= _embedded_font_chars(page)  # every one has a glyph in the page itself
    # the embedded face comes first among the CJK faces of the text
    assert re.search(
        r'body, table, th, td \{ font-family: [^}]*"AnalysisCJK", "Noto Sans CJK SC"', page
    )
    assert len(page.encode()) < 3_000_000
    # without the font, the page still names the CJK faces a reader may have
    plain = analysis.notebook_html(executed, embed_font=False).read_text(encoding="utf-8")
    assert executed.with_suffix(".html").is_file()
    assert "@font-face" not in plain
    assert '"Noto Sans CJK SC"' in plain and '"Microsoft YaHei"' in plain
