"""Every path and user setting of the project, in one place.

Each constant can be overridden with an environment variable, so analysts can
point the package at their own folders without editing code:

==========================  =========================================  ==========================
variable                    meaning                                    default
==========================  =========================================  ==========================
``ANALYSIS_DATA_DIR``       root of ``raw/`` and ``processed/``        ``<project>/data``
``ANALYSIS_RAW_DIR``        input pages and tables                     ``<data>/raw``
``ANALYSIS_PROCESSED_DIR``  generated tables (Parquet, CSV, Excel)     ``<data>/processed``
``ANALYSIS_FIGURES_DIR``    generated figures and the HTML report      ``<project>/figures``
``ANALYSIS_USER_DICT``      extra jieba dictionaries (``os.pathsep``)  none
``ANALYSIS_STOPWORDS``      extra stopword files (``os.pathsep``)      none
``ANALYSIS_GAZETTEER``      extra gazetteer CSV files (``os.pathsep``) none
``ANALYSIS_EVENT_LEXICON``  replacement event-trigger lexicon (CSV)    the packaged one
``ANALYSIS_FONT``           font file or family name for figures       auto-detected CJK font
==========================  =========================================  ==========================
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA_DIR = PACKAGE_DIR / "data"


def _project_root() -> Path:
    """The checkout's root when installed in development mode, else the working directory."""
    candidate = PACKAGE_DIR.parents[1]
    if (candidate / "pyproject.toml").exists():
        return candidate
    return Path.cwd()


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _env_paths(name: str) -> tuple[Path, ...]:
    value = os.environ.get(name, "")
    return tuple(Path(p).expanduser() for p in value.split(os.pathsep) if p.strip())


PROJECT_ROOT = _project_root()
DATA_DIR = _env_path("ANALYSIS_DATA_DIR", PROJECT_ROOT / "data")
RAW_DIR = _env_path("ANALYSIS_RAW_DIR", DATA_DIR / "raw")
PROCESSED_DIR = _env_path("ANALYSIS_PROCESSED_DIR", DATA_DIR / "processed")
FIGURES_DIR = _env_path("ANALYSIS_FIGURES_DIR", PROJECT_ROOT / "figures")


def user_dictionaries() -> tuple[Path, ...]:
    """Extra jieba dictionary files named in ``ANALYSIS_USER_DICT``."""
    return _env_paths("ANALYSIS_USER_DICT")


def user_stopwords() -> tuple[Path, ...]:
    """Extra stopword files named in ``ANALYSIS_STOPWORDS``."""
    return _env_paths("ANALYSIS_STOPWORDS")


def user_gazetteers() -> tuple[Path, ...]:
    """Extra gazetteer CSV files named in ``ANALYSIS_GAZETTEER``."""
    return _env_paths("ANALYSIS_GAZETTEER")


def event_lexicon() -> Path:
    """The event taxonomy and trigger lexicon in force."""
    return _env_path("ANALYSIS_EVENT_LEXICON", PACKAGE_DATA_DIR / "event_lexicon.csv")


def font_setting() -> str | None:
    """The font an analyst asked for in ``ANALYSIS_FONT`` (a path or a family name)."""
    return os.environ.get("ANALYSIS_FONT") or None


def jieba_file(*parts: str) -> Path:
    """A data file of the installed jieba (``"dict.txt"``, ``"analyse", "idf.txt"``),
    found without importing jieba (its import costs more than reading the file)."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed: its dictionary files are needed")
    return Path(spec.submodule_search_locations[0]).joinpath(*parts)
