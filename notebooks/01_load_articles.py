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
# # 01 读取文章
#
# 把输入文件夹中的报纸版面、文章文件或表格读成文章表：每行一篇，带标题、日期、来源和正文。
# 版面上的页脚、栏目名等不计为文章。

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
# ## 文章表
#
# 最新的十篇文章（日期为报纸日期；正文略去）。

# %%
latest = articles.sort_values(["issue_date", "page"], ascending=[False, True], kind="stable")
display(report.readable_table(latest, ["issue_date", "paper", "page", "title", "n_chars"], n=10))
Markdown(findings.overview(articles, mentions, events))

# %% [markdown]
# ## 篇幅
#
# 长文多为会议报道，短文多为简讯。字数按标题加正文计算，重复刊登的报道只列一次。

# %%
fig = plots.plot_article_lengths(articles)
analysis.save_figure(fig, "01_article_lengths", out_dir=figures_dir)
display(fig)
Markdown(findings.lengths(articles))

# %% [markdown]
# 下一步：`02_event_frequency` 看这些文章报道了哪些事件。
