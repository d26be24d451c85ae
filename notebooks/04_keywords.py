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
# 每篇文章（或每个园区、每个月）最有代表性的词，以及全部文章的词云。

# %%
# %matplotlib inline
from IPython.display import display

import analysis
from analysis import config, plots

# %% tags=["parameters"]
raw_dir = config.RAW_DIR  # input pages, article files or tables
figures_dir = config.FIGURES_DIR  # where charts are saved
by = "title"  # keyword groups: "title" (one per article), "month", "paper", ...
top = 8  # keywords per group

# %%
# the build is incremental: a second run only reads back the tables (data/processed/)
tables = analysis.build([raw_dir], progress=False).tables
articles, tokens = tables["articles"], tables["tokens"]
keywords = analysis.keywords(articles, by=by, top=top, tokens=tokens)
keywords.head(20)

# %% [markdown]
# ## 各组关键词
#
# 得分为 TF-IDF：在本组常见、在其他组少见的词得分高。

# %%
fig = plots.plot_keywords(keywords, top=top)
analysis.save_figure(fig, "04_keywords", out_dir=figures_dir)
display(fig)

# %% [markdown]
# ## 词云
#
# 词的大小按出现次数；停用词和单字已去除。

# %%
fig = plots.plot_wordcloud(tokens)
analysis.save_figure(fig, "04_wordcloud", out_dir=figures_dir)
display(fig)
