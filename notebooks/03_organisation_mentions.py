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
# # 03 园区与机构的提及
#
# 哪些高新区、企业、政府部门和高校院所最常出现在报道中？哪些园区一同出现？

# %%
# %matplotlib inline
from IPython.display import display

import analysis
from analysis import config, plots

# %% tags=["parameters"]
raw_dir = config.RAW_DIR  # input pages, article files or tables
figures_dir = config.FIGURES_DIR  # where charts are saved
top = 20  # entities shown in each ranking

# %%
# the build is incremental: a second run only reads back the tables (data/processed/)
tables = analysis.build([raw_dir], progress=False).tables
articles, mentions = tables["articles"], tables["mentions"]
analysis.mention_counts(mentions).head(top)

# %% [markdown]
# ## 园区

# %%
fig = plots.plot_park_mentions(mentions, top=top)
analysis.save_figure(fig, "03_park_mentions", out_dir=figures_dir)
display(fig)

# %% [markdown]
# ## 机构
#
# 颜色区分机构类别：企业、政府机构、高校院所、协会联盟。

# %%
fig = plots.plot_org_mentions(mentions, top=top)
analysis.save_figure(fig, "03_org_mentions", out_dir=figures_dir)
display(fig)

# %% [markdown]
# ## 园区共现
#
# 两个园区出现在同一篇报道中即连一条边，边越粗，共同出现的文章越多。

# %%
fig = plots.plot_co_mentions(mentions)
analysis.save_figure(fig, "03_co_mentions", out_dir=figures_dir)
display(fig)
