"""The real-text scorer (benchmarks/eval_real.py and benchmarks/real/scoring.py).

Its arithmetic and matching rules on small literal cases, and one run of the command on a
tiny corpus of crawler-style files written here (our own sentences, no real text).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks" / "real"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import eval_real  # noqa: E402
import scoring  # noqa: E402
from scoring import Gold, Score  # noqa: E402


def test_score_arithmetic():
    s = Score(tp=3, fp=1, fn=2)
    assert s.precision == pytest.approx(0.75)
    assert s.recall == pytest.approx(0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Score().f1 == 0.0  # nothing predicted, nothing expected: no division by zero
    assert Score(1, 0, 0).add(Score(0, 2, 1)) == Score(1, 2, 1)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("苏州工业园区", "苏州工业园区管委会", True),  # 6 of 9 characters
        ("国务院", "国务院发展研究中心", False),  # 3 of 9: less than half
        ("中国电科", "中国电子科技集团", False),  # not contained
        ("新华社", "新华社", True),
        ("", "新华社", False),
    ],
)
def test_lenient_match(a, b, expected):
    assert scoring.lenient_match(a, b) is expected
    assert scoring.lenient_match(b, a) is expected


def test_match_names_exact_first_one_to_one_and_ambiguous():
    gold = [
        Gold("无锡市人民政府", "government"),
        Gold("无锡市", "government"),
        Gold("省委", "", True),
    ]
    # 无锡市人民政府 matches exactly; 无锡市人民政府办 would match it leniently, but it is
    # taken, and 无锡市 covers less than half of it
    m = scoring.match_names(
        ["无锡市人民政府", "无锡市人民政府办", "省委", "该公司"], gold, lenient=True
    )
    assert [p for p, _ in m.pairs] == ["无锡市人民政府"]
    assert m.ignored == ["省委"]  # matches an ambiguous answer: neither right nor wrong
    assert sorted(m.false_positives) == ["无锡市人民政府办", "该公司"]
    assert m.missed == [Gold("无锡市", "government")]
    assert m.score() == Score(1, 2, 1)
    exact = scoring.match_names(["无锡市人民政府亲自", "无锡市"], gold, lenient=False)
    assert exact.score() == Score(1, 1, 1)
    lenient = scoring.match_names(["无锡市人民政府亲自", "无锡市"], gold, lenient=True)
    assert lenient.score() == Score(2, 0, 0)


def test_score_names_per_kind_and_unannotated_articles_left_out():
    gold = {"a.txt": [Gold("新华社", "company"), Gold("国家发展改革委", "government")]}
    predicted = {"a.txt": {"新华社", "商业银行"}, "b.txt": {"联合国"}}
    kinds = {("a.txt", "新华社"): "company", ("a.txt", "商业银行"): "company"}
    total, per_kind, _ = scoring.score_names(predicted, gold, lenient=True, predicted_kinds=kinds)
    assert total == Score(1, 1, 1)  # b.txt has no answers: not scored
    assert per_kind["company"] == Score(1, 1, 0)
    assert per_kind["government"] == Score(0, 0, 1)


def test_event_counts_per_article_and_type():
    predicted = [("a", "meeting"), ("a", "meeting"), ("a", "signing"), ("b", "visit")]
    gold = [("a", "meeting"), ("a", "signing"), ("a", "signing"), ("b", "launch")]
    total, per_type = scoring.score_event_counts(predicted, gold)
    assert total == Score(2, 2, 2)
    assert per_type["meeting"] == Score(1, 1, 0)
    assert per_type["signing"] == Score(1, 0, 1)
    assert per_type["visit"] == Score(0, 1, 0)
    assert per_type["launch"] == Score(0, 0, 1)
    assert per_type["project"] == Score()


def test_participants_any_name_of_an_entity_matches_once():
    predicted = {
        ("a", "signing"): [["苏州工业园区", "园区"], ["中新集团"], ["无锡高新区"]],
        ("a", "meeting"): [["国务院"]],
    }
    gold = {("a", "signing"): {"苏州工业园区", "中新苏州工业园区开发集团"}, ("b", "visit"): {"x"}}
    s = scoring.score_participants(predicted, gold)
    # right: 苏州工业园区; wrong: 中新集团 (not contained), 无锡高新区, 国务院; missed: two
    assert s == Score(1, 3, 2)


def test_participants_are_triples_an_entity_of_two_events_counts_once():
    # two meetings of one article both name 上合组织 (answered once) and 联合国 (not
    # answered): one right triple, one wrong, however many events name them
    predicted = {
        ("a", "meeting"): [["上合组织", "上海合作组织"], ["联合国"], ["上海合作组织", "上合组织"]],
    }
    predicted[("a", "meeting")].append(["联合国"])
    gold = {("a", "meeting"): {"上海合作组织", "国务院"}}
    assert scoring.score_participants(predicted, gold) == Score(1, 1, 1)


CRAWLER_FILE = (
    "网友热议——\n守初心者行必远\n——记一位扎根基层的科技特派员\n"
    "\u3000\u3000第一段。\n\u3000\u3000第二段。\n"
)


def test_crawler_answer_reads_the_three_headline_lines():
    a = scoring.crawler_answer(CRAWLER_FILE)
    assert (a.kicker, a.title, a.subtitle) == (
        "网友热议——",
        "守初心者行必远",
        "——记一位扎根基层的科技特派员",
    )
    assert a.paragraphs == ("第一段。", "第二段。")
    empty = scoring.crawler_answer("\n图片报道\n\n\u3000\u3000一段。")
    assert (empty.kicker, empty.title, empty.subtitle) == ("", "图片报道", "")


def _row(**kw):
    base = dict(kind="article", kicker="", title="", subtitle="", dateline="", body="", byline="")
    return {**base, **kw}


def test_article_outcome_right_split_and_lost():
    a = scoring.crawler_answer(
        "\n标题\n\n\u3000\u3000本报讯 正文一。\n\u3000\u3000正文二。（记者 王浩）\n"
    )
    right = [
        _row(title="标题", dateline="本报讯", body="正文一。\n正文二。", byline="（记者 王浩）")
    ]
    assert scoring.article_outcome(a, right).right
    split = [_row(title="标题", body="正文一。"), _row(title="正文二。", body="（记者 王浩）")]
    out = scoring.article_outcome(a, split)
    assert (out.n_articles, out.right) == (2, False)
    lost = [_row(title="标题", body="正文一。正文二。")]  # byline gone
    assert not scoring.article_outcome(a, lost).body_whole
    shifted = [_row(kicker="标题", body="本报讯正文一。正文二。（记者 王浩）")]
    out = scoring.article_outcome(a, shifted)
    assert out.body_whole and not out.headline_exact
    boiler = [*right[:1], _row(kind="boilerplate", body="")]
    assert scoring.article_outcome(a, boiler).right
    assert scoring.article_outcome(a, []).n_articles == 0


def test_page_text_styles_and_page_outcome():
    answers = [
        scoring.crawler_answer("引题\n主题一\n\n\u3000\u3000甲。\n\u3000\u3000乙。"),
        scoring.crawler_answer("\n主题二\n\n\u3000\u3000丙。"),
    ]
    indented = scoring.page_text(answers, "indented")
    assert (
        indented == "引题\n主题一\n\u3000\u3000甲。\n\u3000\u3000乙。\n\n主题二\n\u3000\u3000丙。\n"
    )
    assert (
        scoring.page_text(answers, "flat") == "引题\n\n主题一\n\n甲。\n\n乙。\n\n主题二\n\n丙。\n"
    )
    with pytest.raises(ValueError):
        scoring.page_text(answers, "columns")
    rows = [
        _row(kicker="引题", title="主题一", body="甲。\n乙。"),
        _row(title="主题二", body="丙。"),
    ]
    assert scoring.page_outcome(answers, rows) == (True, 2)
    merged = [_row(kicker="引题", title="主题一", body="甲。\n乙。\n主题二\n丙。")]
    assert scoring.page_outcome(answers, merged) == (False, 0)
    # a web page's leftovers set apart right after their article still belong to it;
    # boilerplate after another article does not
    tail = [
        _row(kicker="引题", title="主题一", body="甲。"),
        _row(kind="boilerplate", body="乙。"),
        _row(title="主题二", body="丙。"),
    ]
    assert scoring.page_outcome(answers, tail) == (True, 2)
    elsewhere = [tail[0], tail[2], tail[1]]
    assert scoring.page_outcome(answers, elsewhere) == (True, 0)


def test_load_answers_merges_files_first_wins(tmp_path):
    for name, ann in (("articles_a.json", "A"), ("articles_b.json", "B")):
        data = {"annotator": ann, "articles": {"x.txt": {"organisations": []}, f"{ann}.txt": {}}}
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "sample.json").write_text("[]", encoding="utf-8")  # not an answer file
    merged = scoring.load_answers(tmp_path)
    assert sorted(merged) == ["A.txt", "B.txt", "x.txt"]
    assert merged["x.txt"]["annotator"] == "A"


def test_gold_lists_from_answers():
    answers = {
        "x.txt": {
            "organisations": [
                {"surface": "合肥高新区管委会", "kind": "government"},
                {"surface": "合肥高新区", "kind": "park"},  # left to the parks
            ],
            "parks": [{"surface": "合肥高新区", "ambiguous": False}],
            "events": [
                {"type": "signing", "status": "reported", "parks": ["合肥高新区"], "orgs": []},
                {"type": "meeting", "status": "future", "parks": [], "orgs": ["国务院"]},
            ],
        }
    }
    assert scoring.gold_names(answers, "organisations") == {
        "x.txt": [Gold("合肥高新区管委会", "government")]
    }
    assert scoring.gold_names(answers, "parks") == {"x.txt": [Gold("合肥高新区", "park")]}
    assert scoring.gold_events(answers) == [("x.txt", "signing")]
    assert scoring.gold_participants(answers, "parks") == {("x.txt", "signing"): {"合肥高新区"}}
    assert scoring.gold_participants(answers, "orgs") == {("x.txt", "signing"): set()}


def test_page_groups_runs_of_one_printed_page(tmp_path):
    names = [f"20250101-01-{i:02d}.txt" for i in range(1, 8)] + ["20250101-02-01.txt"]
    files = [tmp_path / n for n in names]
    runs = eval_real.page_groups(files, n_pages=10)
    # page 01: a run of 5 and a run of 2; page 02 has one file: no page
    assert [[p.name[-9:-4] for p in run] for run in runs] == [
        ["01-01", "01-02", "01-03", "01-04", "01-05"],
        ["01-06", "01-07"],
    ]
    assert len(eval_real.page_groups(files, n_pages=1)) == 1


def test_command_on_a_tiny_corpus(tmp_path, capsys):
    corpus = tmp_path / "out"
    day = corpus / "2024-03" / "20240305"
    day.mkdir(parents=True)
    texts = {
        "20240305-01-01.txt": "\n无锡高新区举行项目签约仪式\n\n"
        "\u3000\u3000本报讯 3月4日，无锡高新区与江南大学签署合作协议。\n"
        "\u3000\u3000双方将共建联合实验室。\n",
        "20240305-01-02.txt": "\n苏州工业园区新设一家研究院\n\n"
        "\u3000\u30003月4日，苏州工业园区管委会宣布成立苏州未来材料研究院。\n",
    }
    for name, text in texts.items():
        (day / name).write_text(text, encoding="utf-8")
    answers = tmp_path / "answers"
    answers.mkdir()
    gold = {
        "2024-03/20240305/20240305-01-01.txt": {
            "organisations": [{"surface": "江南大学", "kind": "research", "count": 1}],
            "parks": [{"surface": "无锡高新区", "count": 2}],
            "events": [
                {
                    "type": "signing",
                    "status": "reported",
                    "parks": ["无锡高新区"],
                    "orgs": ["江南大学"],
                }
            ],
        }
    }
    (answers / "articles_t.json").write_text(
        json.dumps({"annotator": "t", "articles": gold}, ensure_ascii=False), encoding="utf-8"
    )
    assert (
        eval_real.main([str(corpus), "--answers", str(answers), "--no-peers", "--pages", "1"]) == 0
    )
    out = capsys.readouterr().out
    assert "# eval_real: 2 crawler files" in out
    assert "1 files with answers" in out
    assert "article count exact" in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("summary: files right ")
    for part in (
        "pages indented",
        "pages flat",
        "dates in window",
        "orgs F1",
        "parks P",
        "events F1",
    ):
        assert part in last


def test_command_refuses_a_folder_without_crawler_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert eval_real.main([str(tmp_path), "--no-peers"]) == 2
    assert "no crawler files" in capsys.readouterr().err
