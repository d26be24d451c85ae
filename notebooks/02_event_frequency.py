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

# %%
# %matplotlib inline
from IPython.display import display

import analysis
from analysis import config, plots

# %% tags=["parameters"]
raw_dir = config.RAW_DIR  # input pages, article files or tables
figures_dir = config.FIGURES_DIR  # where charts are saved
freq = "M"  # period of the timeline: D, W, M, Q or Y

# %%
# the build is incremental: a second run only reads back the tables (data/processed/)
tables = analysis.build([raw_dir], progress=False).tables
articles, mentions, events = tables["articles"], tables["mentions"], tables["events"]
events[["type_label", "trigger", "date", "parks", "status", "counted", "sentence"]]

# %% [markdown]
# 只统计 `counted` 为真的事件：背景介绍、计划中的和否定的事件不计入。

# %%
analysis.event_counts(events, by=("period", "type"), freq=freq)

# %% [markdown]
# ## 事件随时间的分布

# %%
fig = plots.plot_event_timeline(events, freq=freq)
analysis.save_figure(fig, "02_event_timeline", out_dir=figures_dir)
display(fig)

# %% [markdown]
# ## 各园区的事件类型
#
# 一个事件可涉及多个园区，因此各格之和可能大于事件数。

# %%
fig = plots.plot_events_by_park(events, mentions)
analysis.save_figure(fig, "02_events_by_park", out_dir=figures_dir)
display(fig)
