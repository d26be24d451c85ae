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
# # 04 关键词
#
# 每个园区（或每个月、每篇文章）最有代表性的词，以及多数文章共有的主题词。

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
by = "auto"  # keyword groups: "auto", "park", "month" or "article"
top = 8  # keywords per group

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
# ## 各组关键词
#
# 按园区或月份分组时，得分为对数几率：在本组常见、在其余文章少见的词得分高；
# 按文章分组时为 TF-IDF。`auto` 在有两个以上园区各有三篇文章时按园区分组，否则按月份，再否则按文章。

# %%
keywords = report.keyword_table(tables, by, top=top)
fig = plots.plot_keywords(keywords, top=top, max_groups=9)
analysis.save_figure(fig, "04_keywords", out_dir=figures_dir)
display(fig)
Markdown(findings.keywords(keywords))

# %% [markdown]
# ## 词云
#
# 字越大，越多文章以它为自身的关键词（不是词频：人人都用的「发展」「建设」不会很大）。

# %%
words = report.distinctive_words(tables)
fig = report.draw_figure("wordcloud", words)
analysis.save_figure(fig, "04_wordcloud", out_dir=figures_dir)
display(fig)
Markdown(findings.wordcloud(words))
