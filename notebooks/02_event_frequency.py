# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 事件频次
#
# 报道了哪些事件（会议、签约、揭牌……），何时发生，涉及哪些高新区？
# 只统计已报道的事件：背景介绍、计划中的和否定的事件不计，同一事件的多次报道只计一次。

# %%
# %matplotlib inline
from IPython.display import Markdown, display

import analysis
from analysis import config, findings, plots, report

# %% tags=["parameters"]
input_dir = str(config.RAW_DIR)  # pages, article files or tables; the sample page by default
parks = []  # focus on parks: gazetteer ids, names or aliases, e.g. ["无锡高新区"]
provinces = []  # focus on provinces, e.g. ["江苏"]
parks_only = False  # keep only articles that name a gazetteer park
since = None  # first issue date kept, e.g. "2023-01-01"
until = None  # last issue date kept
figures_dir = str(config.FIGURES_DIR)  # where the charts are saved
processed_dir = str(config.PROCESSED_DIR)  # where the build keeps its tables
freq = "M"  # period of the timeline: D, W, M, Q or Y

# %% [markdown]
# ## 读取与筛选
#
# `build` 读取输入文件夹（增量：再次运行只读回 `processed_dir` 中的表），
# `focus_tables` 按上面的参数只保留所关注的文章。

# %%
result = analysis.build([input_dir], out_dir=processed_dir, progress=False)
focus = analysis.Focus(
    parks=parks, provinces=provinces, parks_only=parks_only, since=since, until=until
)
tables = analysis.focus_tables(result.tables, focus)
articles, mentions, events = tables["articles"], tables["mentions"], tables["events"]
Markdown(findings.selection(articles.attrs["selection"]))

# %% [markdown]
# ## 各类事件

# %%
by_type = analysis.event_counts(events, by="type_label").sort_values("n_events", ascending=False)
display(report.readable_table(by_type))
Markdown(findings.overview(articles, mentions, events))

# %% [markdown]
# ## 事件随时间的分布
#
# 横轴覆盖报纸日期的全部范围；没有报纸的时段画成阴影，不是零事件。

# %%
timeline = plots.timeline_table(events, freq, articles=articles)
fig = plots.draw_event_timeline(timeline)
analysis.save_figure(fig, "02_event_timeline", out_dir=figures_dir)
display(fig)
Markdown(findings.timeline(timeline))

# %% [markdown]
# ## 各园区的事件类型
#
# 一个事件可涉及多个园区，因此各格之和可能大于事件数。

# %%
by_park = plots.events_by_park_table(events, mentions)
fig = plots.draw_events_by_park(by_park)
analysis.save_figure(fig, "02_events_by_park", out_dir=figures_dir)
display(fig)
Markdown(findings.events_by_park(by_park))

# %% [markdown]
# ## 最新的事件
#
# 每个事件一行，最新在前；「事件」是事件的名称，没有名称时是原句的开头。

# %%
listed = report.event_table(events, articles, mentions)
columns = ["date", "type_label", "place", "parks", "orgs", "name", "title"]
display(report.readable_table(listed, columns, n=10))
Markdown(findings.events_listed(listed, 10))
