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
# 把 `data/raw` 中的报纸版面切分成文章：每行一篇，带标题、日期、来源和正文。

# %%
# %matplotlib inline
from IPython.display import display

import analysis
from analysis import config, plots

# %% tags=["parameters"]
raw_dir = config.RAW_DIR  # input pages, article files or tables
figures_dir = config.FIGURES_DIR  # where charts are saved

# %% [markdown]
# ## 文章表
#
# `load_articles` 读取文件夹中的全部版面；版面上的页脚、栏目名等不计为文章。

# %%
articles = analysis.load_articles(raw_dir)
articles[["paper", "issue_date", "title", "date", "date_source", "n_chars"]]

# %% [markdown]
# ## 篇幅
#
# 长文多为会议报道，短文多为简讯。字数按标题加正文计算。

# %%
fig = plots.plot_article_lengths(articles)
analysis.save_figure(fig, "01_article_lengths", out_dir=figures_dir)
display(fig)

# %% [markdown]
# 下一步：`02_event_frequency` 从这些文章中找出事件。
