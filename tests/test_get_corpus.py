"""benchmarks/real/get_corpus.py on a git repository made here, in the layout of the
daily Markdown source (DuckBurnIncense/xin-wen-lian-bo): the text below is ours."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks" / "real"))
import get_corpus

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

DAY = """# 《新闻联播》 (20240305)

## 新闻摘要

1.无锡高新区发布新政；

## 详细新闻

### 无锡高新区发布新政 支持企业创新

<p><strong>央视网消息</strong>（新闻联播）：无锡高新区今天发布新政。</p><p>政策涵盖研发&amp;人才。</p>

[查看原文](https://example.invalid/1)

### 国内联播快讯

<p>第一条快讯。</p>
<p>第二条快讯。</p>

---

(更新时间戳: 1709640000000)
"""


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")

    def git(*args):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "x")
    return repo


def test_each_item_of_a_day_becomes_a_file(tmp_path):
    repo = _repo(tmp_path, {"news/20240305.md": DAY, "README.md": "x\n"})
    out = tmp_path / "out"
    assert get_corpus.main([str(repo), str(out)]) == 0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert files == ["2024-03/20240305/20240305-01-01.txt", "2024-03/20240305/20240305-01-02.txt"]
    first = (out / files[0]).read_text(encoding="utf-8")
    assert first == (
        "\n无锡高新区发布新政 支持企业创新\n\n"
        "\u3000\u3000央视网消息（新闻联播）：无锡高新区今天发布新政。\n"
        "\u3000\u3000政策涵盖研发&人才。\n"
    )
    second = (out / files[1]).read_text(encoding="utf-8")
    assert second == "\n国内联播快讯\n\n\u3000\u3000第一条快讯。\n\u3000\u3000第二条快讯。\n"


def test_months_choose_and_reserved_months_are_never_written(tmp_path):
    repo = _repo(
        tmp_path,
        {
            "news/20240305.md": DAY,
            "news/20240401.md": DAY.replace("20240305", "20240401"),
            "news/20200115.md": DAY.replace("20240305", "20200115"),
        },
    )
    every = tmp_path / "every"
    assert get_corpus.main([str(repo), str(every)]) == 0
    assert sorted(p.name for p in every.iterdir()) == ["2024-03", "2024-04"]
    chosen = tmp_path / "chosen"
    assert get_corpus.main([str(repo), str(chosen), "--months", "2024-04"]) == 0
    assert sorted(p.name for p in chosen.iterdir()) == ["2024-04"]
    assert get_corpus.main([str(repo), str(tmp_path / "no"), "--months", "2020-01"]) == 2


def test_a_day_without_details_writes_nothing(tmp_path):
    repo = _repo(tmp_path, {"news/20240305.md": "# 《新闻联播》\n\n## 新闻摘要\n\n1.一条。\n"})
    assert get_corpus.main([str(repo), str(tmp_path / "out")]) == 1
