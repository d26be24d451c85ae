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
# 按文章计数：一篇文章提到多次只计一次，重复刊登的报道也只计一次。

# %%
# %matplotlib inline
from IPython.display import Markdown, display

import analysis
from analysis import config, findings, plots

# %% tags=["parameters"]
input_dir = str(config.RAW_DIR)  # pages, article files or tables; the sample page by default
parks = []  # focus on parks: gazetteer ids, names or aliases, e.g. ["无锡高新区"]
provinces = []  # focus on provinces, e.g. ["江苏"]
parks_only = False  # keep only articles that name a gazetteer park
since = None  # first issue date kept, e.g. "2023-01-01"
until = None  # last issue date kept
figures_dir = str(config.FIGURES_DIR)  # where the charts are saved
processed_dir = str(config.PROCESSED_DIR)  # where the build keeps its tables
top = 20  # entities shown in each ranking

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
# ## 园区

# %%
park_ranking = plots.ranking_table(mentions, ["park"], top, articles=articles)
fig = plots.draw_ranking(park_ranking, top=top)
analysis.save_figure(fig, "03_park_mentions", out_dir=figures_dir)
display(fig)
Markdown(findings.ranking(park_ranking, "园区") + findings.parks_outside(mentions))

# %% [markdown]
# ## 机构
#
# 颜色区分机构类别：企业、政府机构、高校院所、协会联盟。

# %%
org_ranking = plots.ranking_table(mentions, plots.ORG_KINDS, top, articles=articles)
fig = plots.draw_ranking(org_ranking, top=top, by_kind=True)
analysis.save_figure(fig, "03_org_mentions", out_dir=figures_dir)
display(fig)
Markdown(findings.ranking(org_ranking, "机构"))

# %% [markdown]
# ## 园区共现
#
# 两个园区出现在同一篇报道中即连一条边，边越粗，共同出现的文章越多；
# 点名所有园区的名单式报道不连边。

# %%
pairs = plots.co_mention_table(mentions, articles=articles)
fig = plots.draw_co_mentions(pairs)
analysis.save_figure(fig, "03_co_mentions", out_dir=figures_dir)
display(fig)
Markdown(findings.co_mentions(pairs))
