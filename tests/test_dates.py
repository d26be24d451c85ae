"""Dates as users write them: table columns, ``--issue-date`` and the focus options.

Every value here is written by us in the forms scraped tables and analysts use.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import dates, load_articles, pipeline
from analysis.cli import main
from analysis.dates import DateFormError, issue_timestamp, parse_date, parse_dates

AUG9 = pd.Timestamp("2023-08-09")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-08-09", AUG9),
        ("2023/8/9", AUG9),
        ("2023.8.9", AUG9),
        ("2023年8月9日", AUG9),
        ("2023年08月09号", AUG9),
        ("２０２３年８月９日", AUG9),  # full-width digits
        ("20230809", AUG9),
        (20230809, AUG9),
        ("2023-08-09 10:30", pd.Timestamp("2023-08-09 10:30")),
        ("2023年8月9日 10时30分", pd.Timestamp("2023-08-09 10:30")),
        ("2023年8月9日10:30:15", pd.Timestamp("2023-08-09 10:30:15")),
        # an offset keeps the wall-clock time as written
        ("2023-08-09T10:00:00+08:00", pd.Timestamp("2023-08-09 10:00")),
        ("2023-08-11T08:00:00Z", pd.Timestamp("2023-08-11 08:00")),
        # epoch seconds and milliseconds, numbers or strings, read as UTC
        (1691539200, AUG9),
        (1691539200.0, AUG9),
        (np.int64(1691539200000), AUG9),
        ("1691539200", AUG9),
        ("1691539200000", AUG9),
        (datetime.date(2023, 8, 9), AUG9),
        (pd.Timestamp("2023-08-09 10:00", tz="Asia/Shanghai"), pd.Timestamp("2023-08-09 10:00")),
        ("Aug 9, 2023", AUG9),
        ("13/08/2023", pd.Timestamp("2023-08-13")),  # 13 can only be the day
    ],
)
def test_every_common_form_is_read(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value", ["", "不详", None, float("nan"), "0", 0, "2023年13月9日", "2023-02-30", "1", True]
)
def test_what_is_no_date_is_nat(value):
    assert pd.isna(parse_date(value))


def test_day_first_is_an_option_for_ambiguous_dates():
    assert parse_date("09/08/2023") == pd.Timestamp("2023-09-08")
    assert parse_date("09/08/2023", dayfirst=True) == AUG9
    # not ambiguous: the option changes nothing
    assert parse_date("13/08/2023", dayfirst=True) == parse_date("13/08/2023")


def test_a_column_reads_each_value_and_counts_the_ambiguous_ones():
    column = pd.Series(["2023年8月9日", None, "09/08/2023", "09/08/2023", "05/05/2023", [1]])
    parsed, ambiguous = parse_dates(column, dayfirst=True)
    assert parsed.dtype == "datetime64[ns]"
    assert parsed.tolist()[:3] == [AUG9, pd.NaT, AUG9]
    assert pd.isna(parsed.iloc[5])
    assert ambiguous == 2  # 05/05 reads the same either way


def test_issue_date_in_any_form_and_a_bad_one_refused():
    assert issue_timestamp("2023年8月9日") == AUG9
    assert issue_timestamp("2023-08-09 10:30") == AUG9  # an issue is a day
    assert issue_timestamp(None) is None
    with pytest.raises(DateFormError, match="2023年13月"):
        issue_timestamp("2023年13月9日")


def _table(folder, dates, name="scraped.csv"):
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        {"标题": f"园区新闻{i}", "正文": f"第{i}家企业签约落户园区。", "发布时间": d}
        for i, d in enumerate(dates)
    ]
    pd.DataFrame(rows).to_csv(folder / name, index=False)
    return folder / name


def test_a_tables_dates_in_many_forms_are_all_read(tmp_path):
    path = _table(tmp_path, ["2024年5月10日", "2024/5/10", "1715299200", "20240510", "2024.5.10"])
    articles = load_articles(path)
    assert articles["date"].tolist() == [pd.Timestamp("2024-05-10")] * 5
    assert set(articles["date_source"]) == {"table"}


def test_ambiguous_dates_are_noted_once_per_file(tmp_path):
    path = _table(tmp_path, ["09/08/2023", "10/08/2023", "2023-08-11"])
    result = pipeline.build([path], out_dir=tmp_path / "out", progress=False, jobs=1)
    notes = [note for _, note in result.report.notes if "first" in note]
    assert len(notes) == 1 and "2 date(s)" in notes[0]
    assert result.tables["articles"]["date"].iloc[0] == pd.Timestamp("2023-09-08")
    again = pipeline.build([path], out_dir=tmp_path / "out2", progress=False, jobs=1, dayfirst=True)
    assert again.tables["articles"]["date"].iloc[0] == AUG9


def test_issue_date_option_takes_chinese_dates(tmp_path):
    page = tmp_path / "page.txt"
    text = "园区举行签约仪式\n\n　　本报讯 昨天，五家企业签约落户园区。\n"
    page.write_text(text, encoding="utf-8")
    articles = load_articles(page, issue_date="2023年8月9日")
    assert articles["issue_date"].iloc[0] == AUG9


def test_a_bad_issue_date_on_the_command_line_is_one_clear_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["build", str(tmp_path), "--issue-date", "2023年13月9日"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in "\n".join(err)
    assert "not a date: '2023年13月9日'" in err[-1]


_LEAD_ALPHABET = [*"0123456789 年月日第.电内今昨前天晚称", "2023年", "11月", "19", "20"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_LEAD_ALPHABET), max_size=14).map("".join))
def test_one_scan_of_a_lead_finds_each_kind_of_date_as_its_own_pattern(lead):
    # _lead_dates scans once for the three kinds; each kind's own pattern, run over the
    # whole lead, finds the same dates (a day alone inside a month and day left out)
    issue = pd.Timestamp("2023-11-08")
    month_days = [
        (
            m.start(),
            m.end(),
            dates._valid(int(m["y"]), int(m["m"]), int(m["d"]))
            if m["y"]
            else dates.resolve_month_day(int(m["m"]), int(m["d"]), issue),
        )
        for m in dates._MONTH_DAY.finditer(lead)
    ]
    expected = [(a, ts, "") for a, _, ts in month_days]
    expected += [
        (m.start(), dates._latest_day(int(m["day"]), issue), "")
        for m in re.finditer(dates._DAY_ONLY, lead)
        if not any(a <= m.start() < b for a, b, _ in month_days)
    ]
    expected += [
        (m.start(), issue - pd.Timedelta(days=dates._DAYS_BEFORE[m[0]]), m[0])
        for m in dates._RELATIVE_DAY.finditer(lead)
    ]
    assert list(dates._lead_dates(lead, issue)) == sorted(expected, key=lambda f: f[0])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("wuxi-evening_2023-08-09_A02.txt", ("wuxi-evening", "2023-08-09", "A02")),
        ("data/raw/wuxi-evening_2023-08-09_A02.txt", ("wuxi-evening", "2023-08-09", "A02")),
        # a folder's date is not the file's: only the part after the last separator is read
        ("2019-03-05\\20190306-01-02.txt", ("", "2019-03-06", "")),
        ("2019/03/05/paper_20190307_p3.md", ("paper", "2019-03-07", "3")),
        ("报纸2023年8月9日第3版.text", ("报纸", "2023-08-09", "3")),
        ("notes_2023-08-09.backup", ("notes", "2023-08-09", "")),  # suffix of 6: kept
        ("2023-08-09/readme.txt", ("", None, "")),
    ],
)
def test_a_file_names_paper_date_and_page(name, expected):
    meta = dates.meta_from_name(name)
    paper, day, page = expected
    assert (meta.paper, meta.page) == (paper, page)
    assert meta.issue_date == (pd.Timestamp(day) if day else None)
