"""Chinese fonts for figures that work on any machine, including one with no CJK font.

Every plot helper calls :func:`ensure_font` first, so analysts normally never touch
this module. The font is chosen once per process, in this order:

1. the font named in ``ANALYSIS_FONT`` (:func:`analysis.config.font_setting`), a file
   path or a family name, or the one passed to :func:`use_font`;
2. an installed font with CJK coverage (checked in its character map, not guessed
   from its name) and TrueType outlines, preferring the families in
   :data:`PREFERRED_FAMILIES`;
3. an installed CJK font with CFF (PostScript) outlines, e.g. Noto Sans CJK;
4. ``NotoSansCJKsc-Regular.otf`` shipped by the ``mplfonts`` package (CFF outlines,
   SIL Open Font License, so its glyphs may be embedded in any report).

``mplfonts`` also ships ``SimHei.ttf``; it is a commercial font, so it is used only
when an analyst names it (``ANALYSIS_FONT=SimHei``) and has the right to embed it.

How text stays text in the saved files:

* PNG: glyphs are rasterised from the chosen font; labels whose characters are not in
  its character map are logged (see :func:`missing_glyphs`).
* PDF: fonts with TrueType outlines are embedded as Type 42 (``pdf.fonttype = 42``),
  so ``pdftotext`` returns the Chinese labels. Matplotlib embeds CFF-outline fonts
  (most ``.otf`` CJK fonts) under a TrueType descriptor when asked for Type 42, a
  malformed PDF that poppler reports as "Mismatch between font type and embedded
  font file"; for those fonts the PDF uses Type 3 (``pdf.fonttype = 3``), which is
  well formed and still searchable. That is why TrueType fonts rank first.
  Matplotlib before 3.11 (the last release for Python 3.10 is 3.10) draws the glyphs
  of a Type 3 CFF font but maps them to no characters, so such a PDF is not
  searchable there (:func:`pdf_text_searchable`); a TrueType CJK font avoids that.
* SVG: ``svg.fonttype = "path"`` draws each glyph as an outline from the chosen
  font, so the Chinese shows on any viewer, with or without Chinese fonts (a
  ``<text>`` element would name a family the viewer may lack and show boxes); the
  labels stay in the file as comments (``<!-- 苏州工业园区 -->``), not as selectable
  text. The PDF keeps its text searchable.

Example:
    >>> from analysis import fonts
    >>> font = fonts.use_font()  # doctest: +SKIP
    >>> font.family  # doctest: +SKIP
    'Noto Sans CJK SC'
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

from analysis import config
from analysis.errors import InputError

logger = logging.getLogger(__name__)

#: Characters a font must have to count as a Chinese font.
PROBE = "高新区长三角园区科技创新无锡苏州"

#: Families tried first among installed fonts, in this order.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Sarasa Gothic SC",
    "SimHei",
    "Heiti SC",
    "Droid Sans Fallback",
)

#: Fonts shipped by the ``mplfonts`` package, in order of preference.
BUNDLED_FILES = ("NotoSansCJKsc-Regular.otf",)  # OFL; SimHei.ttf only when named


@dataclass(frozen=True)
class CJKFont:
    """A font file used for the figures.

    Attributes:
        family: the family name matplotlib knows the font by.
        path: the font file.
        index: face index inside a font collection (``.ttc``), else 0.
        truetype_outlines: True for ``glyf`` (TrueType) outlines, False for CFF.
        source: where it came from: ``setting``, ``installed`` or ``mplfonts``.
    """

    family: str
    path: Path
    index: int = 0
    truetype_outlines: bool = True
    source: str = "installed"

    @property
    def pdf_fonttype(self) -> int:
        """The PDF font type that keeps this font's text well formed and searchable."""
        return 42 if self.truetype_outlines else 3


_current: CJKFont | None = None


@functools.lru_cache(maxsize=256)
def _font_info(path: str, index: int = 0) -> tuple[frozenset[int], bool]:
    """The code points a font face really draws and whether its outlines are TrueType.

    Fallback fonts such as matplotlib's "Last Resort" map every code point to a few
    placeholder boxes; a font whose probe characters do not map to distinct glyphs
    is treated as covering nothing.
    """
    from fontTools.ttLib import TTFont

    kwargs = {"fontNumber": index} if path.lower().endswith((".ttc", ".otc")) else {}
    try:
        with TTFont(path, lazy=True, **kwargs) as font:
            cmap = font.getBestCmap() or {}
            truetype = "glyf" in font
    except Exception as error:  # unreadable or exotic font files are just skipped
        logger.debug("cannot read font %s: %s", path, error)
        return frozenset(), False
    probe = {ord(ch) for ch in PROBE}
    glyphs = {cmap[cp] for cp in probe if cp in cmap}
    if probe <= set(cmap) and len(glyphs) < len(probe):
        logger.debug("font %s maps Chinese to placeholder glyphs; ignored", path)
        return frozenset(), truetype
    return frozenset(cmap), truetype


def _covers(path: str, index: int, text: str = PROBE) -> bool:
    codepoints, _ = _font_info(path, index)
    return all(ord(ch) in codepoints for ch in text if not ch.isspace())


@functools.lru_cache(maxsize=256)
def _draws_probe(path: str, index: int = 0) -> bool:
    """:func:`_covers` of :data:`PROBE`, asking FreeType for the probe's glyphs only
    (the whole character map of every installed font took half a second a process)."""
    from matplotlib.ft2font import FT2Font

    try:
        face = FT2Font(path, face_index=index) if index else FT2Font(path)
        glyphs = {face.get_char_index(cp) for cp in {ord(ch) for ch in PROBE}}
    except Exception:  # an older matplotlib (no face_index) or a font FreeType refuses
        return _covers(path, index)
    # distinct glyphs: a fallback font maps every code point to a few placeholders
    return 0 not in glyphs and len(glyphs) == len(set(PROBE))


@functools.lru_cache(maxsize=256)
def _truetype(path: str, index: int = 0) -> bool:
    """Whether a font face has TrueType (``glyf``) outlines: its table directory only."""
    from fontTools.ttLib import TTFont

    kwargs = {"fontNumber": index} if path.lower().endswith((".ttc", ".otc")) else {}
    try:
        with TTFont(path, lazy=True, **kwargs) as font:
            return "glyf" in font
    except Exception:
        return False


def _bundled_dir() -> Path | None:
    try:
        import mplfonts
    except ImportError:
        return None
    folder = Path(mplfonts.__file__).resolve().parent / "fonts"
    return folder if folder.is_dir() else None


def _from_file(path: Path, source: str, index: int = 0) -> CJKFont:
    """Register a font file with matplotlib and describe it."""
    if not path.is_file():
        raise InputError(f"font file not found: {path}", path=path, problem="missing")
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    return CJKFont(family, path, index, _truetype(str(path), index), source)


def _face_index(entry: font_manager.FontEntry) -> int:
    """The face index of a font manager entry inside its file.

    Matplotlib 3.11 lists every face of a font collection (``.ttc``) with its
    ``index``; earlier releases (the last for Python 3.10 is 3.10) list the first
    face only and have no ``index`` attribute, which means face 0.
    """
    return getattr(entry, "index", 0)


def _from_family(name: str) -> CJKFont | None:
    """An installed font whose family name is ``name`` (case-insensitive)."""
    wanted = name.casefold()
    entries = [e for e in font_manager.fontManager.ttflist if e.name.casefold() == wanted]
    # Regular weight first, then TrueType outlines.
    entries.sort(key=lambda e: abs(e.weight - 400) if isinstance(e.weight, int) else 0)
    for entry in entries:
        index = _face_index(entry)
        _, truetype = _font_info(entry.fname, index)
        return CJKFont(entry.name, Path(entry.fname), index, truetype, "setting")
    bundled = _bundled_dir()
    for path in sorted(bundled.glob("*.[ot]tf")) if bundled else ():
        if (
            path.is_file()
            and font_manager.FontProperties(fname=str(path)).get_name().casefold() == wanted
        ):
            return _from_file(path, "setting")
    return None


def _installed_candidates() -> list[CJKFont]:
    """Installed fonts whose character map covers :data:`PROBE`, best first."""
    rank = {f.casefold(): i for i, f in enumerate(PREFERRED_FAMILIES)}
    bundled = _bundled_dir()
    found: dict[str, tuple[tuple, CJKFont]] = {}
    for entry in font_manager.fontManager.ttflist:
        if bundled is not None and Path(entry.fname).resolve().parent == bundled:
            continue  # fonts registered from mplfonts are ranked separately
        index = _face_index(entry)
        if entry.style != "normal" or not _draws_probe(entry.fname, index):
            continue
        truetype = _truetype(entry.fname, index)
        weight = entry.weight if isinstance(entry.weight, int) else 400
        key = (rank.get(entry.name.casefold(), len(rank)), abs(weight - 400), entry.name)
        font = CJKFont(entry.name, Path(entry.fname), index, truetype, "installed")
        if entry.name not in found or key < found[entry.name][0]:
            found[entry.name] = (key, font)
    return [font for _, font in sorted(found.values(), key=lambda item: item[0])]


def find_cjk_font(font: str | os.PathLike | None = None) -> CJKFont:
    """Choose the font for figures, without changing matplotlib's settings.

    Args:
        font: a font file or an installed family name. ``None`` uses
            ``ANALYSIS_FONT`` when set, else the best font found (see the module
            docstring for the order).

    Returns:
        The chosen font, registered with matplotlib's font manager.

    Raises:
        InputError: the named font does not exist, or no CJK font is available at
            all (``mplfonts`` missing and none installed).
    """
    requested = font if font is not None else config.font_setting()
    if requested is not None:
        text = os.fspath(requested)
        path = Path(text).expanduser()
        if path.suffix.lower() in {".ttf", ".otf", ".ttc", ".otc"} or path.is_file():
            chosen = _from_file(path, "setting")
        else:
            chosen = _from_family(text)
            if chosen is None:
                raise InputError(
                    f"font family {text!r} is not installed; give a font file path in "
                    "ANALYSIS_FONT or use_font(), or leave it unset to pick one",
                    path=None,
                    problem="font",
                )
        if not _covers(str(chosen.path), chosen.index):
            logger.warning("font %s lacks Chinese characters (%s)", chosen.family, PROBE)
        return chosen

    installed = _installed_candidates()
    truetype = [f for f in installed if f.truetype_outlines]
    if truetype:
        return truetype[0]
    if installed:
        return installed[0]
    bundled = _bundled_dir()
    for name in BUNDLED_FILES:
        if bundled is not None and (bundled / name).is_file():
            return _from_file(bundled / name, "mplfonts")
    raise InputError(
        "no font with Chinese characters found; install one (e.g. apt-get install "
        "fonts-noto-cjk) or `pip install mplfonts`, or set ANALYSIS_FONT to a font file",
        problem="font",
    )


def use_font(font: str | os.PathLike | None = None) -> CJKFont:
    """Use a Chinese font for every figure from now on.

    Sets the chosen family first in ``font.sans-serif`` and ``font.family`` to
    ``["sans-serif", "DejaVu Sans"]`` (DejaVu Sans draws any glyph the font lacks),
    ``axes.unicode_minus = False`` (CJK fonts often lack U+2212), the PDF font type
    (42, or 3 for CFF-outline fonts) and ``svg.fonttype = "path"`` (glyph outlines).

    Args:
        font: a font file or family name; ``None`` uses ``ANALYSIS_FONT`` or picks one.

    Returns:
        The font now in use.
    """
    global _current
    chosen = find_cjk_font(font)
    # fontTools logs every PDF font subset at INFO; keep analysts' logs readable.
    subset_logger = logging.getLogger("fontTools.subset")
    if subset_logger.level == logging.NOTSET:
        subset_logger.setLevel(logging.WARNING)
    fallbacks = [f for f in mpl.rcParams["font.sans-serif"] if f != chosen.family]
    # "sans-serif" resolves to one font; DejaVu Sans after it is matplotlib's per-glyph
    # fallback for characters the CJK font lacks (e.g. U+2212 MINUS SIGN in SimHei).
    mpl.rcParams["font.family"] = ["sans-serif", "DejaVu Sans"]
    mpl.rcParams["font.sans-serif"] = [chosen.family, *fallbacks]
    mpl.rcParams["axes.unicode_minus"] = False
    mpl.rcParams["pdf.fonttype"] = chosen.pdf_fonttype
    mpl.rcParams["ps.fonttype"] = chosen.pdf_fonttype
    mpl.rcParams["svg.fonttype"] = "path"
    if not chosen.truetype_outlines:
        logger.info(
            "font %s has CFF outlines: PDFs embed it as Type 3 (Type 42 would be malformed)",
            chosen.family,
        )
        if not pdf_text_searchable(chosen):
            logger.warning(
                "matplotlib %s: PDF figures drawn with %s (CFF outlines) are not searchable "
                "text; matplotlib 3.11+ (Python 3.11+) or a TrueType CJK font makes them so",
                mpl.__version__,
                chosen.family,
            )
    logger.info("figures use font %s (%s, from %s)", chosen.family, chosen.path, chosen.source)
    _current = chosen
    return chosen


def pdf_text_searchable(font: CJKFont | None = None) -> bool:
    """Whether the text of PDF figures drawn with ``font`` can be searched and copied.

    Always with TrueType outlines (Type 42). With CFF outlines (Type 3), only from
    matplotlib 3.11 on: earlier releases write Type 3 glyphs without their characters.
    """
    font = font or ensure_font()
    if font.truetype_outlines:
        return True
    major, minor = (int(part) for part in mpl.__version__.split(".")[:2])
    return (major, minor) >= (3, 11)


def ensure_font() -> CJKFont:
    """The font in use, choosing one with :func:`use_font` on first call."""
    if _current is None:
        return use_font()
    return _current


def font_path() -> Path:
    """The font file in use, for libraries that need a path (e.g. wordcloud)."""
    return ensure_font().path


def subset_font(
    chars: Iterable[str], font: CJKFont | None = None, *, layout: bool = False
) -> bytes:
    """The font file (``font``, the figures' by default) with the glyphs of ``chars`` only.

    HarfBuzz's subsetter (``uharfbuzz``): the 3,500 characters of a 10,000-article page
    from Noto Sans CJK (CFF outlines) in 0.03 s, where fontTools' took 1.4 s, to the
    same size. Kept: the cmap of ``chars``, the outlines and hints of their glyphs, every
    name, the ``.notdef`` outline. Without ``layout``, no OpenType layout features (a
    web page's horizontal Chinese text maps characters to glyphs through the cmap alone,
    and the layout closure of a CJK font would add glyphs it never shows); with it,
    HarfBuzz's default features (kerning, ligatures ...), for text laid out by a shaper
    (Pillow with libraqm, as the word cloud draws).
    """
    import uharfbuzz as hb

    font = font or ensure_font()
    face = hb.Face(hb.Blob.from_file_path(str(font.path)), font.index)
    wanted = hb.SubsetInput()
    wanted.unicode_set.update(ord(ch) for ch in set("".join(chars)))
    flags = hb.SubsetFlags.NOTDEF_OUTLINE
    if not layout:
        wanted.layout_feature_tag_set.clear()
        flags |= hb.SubsetFlags.NO_LAYOUT_CLOSURE
    wanted.name_id_set.clear()  # (HarfBuzz keeps names 0-6 by default)
    wanted.name_id_set.invert()  # every name: family, licence, ...
    wanted.flags = flags
    subset = hb.subset(face, wanted)
    if subset is None:
        raise ValueError(f"HarfBuzz could not subset {font.path}")
    return subset.blob.data


def missing_glyphs(texts: str | Iterable[str], font: CJKFont | None = None) -> set[str]:
    """Characters of ``texts`` that the font cannot draw (whitespace ignored).

    Args:
        texts: a label or several.
        font: the font to check; defaults to the one in use.

    Returns:
        The set of missing characters, empty when every glyph is present.
    """
    font = font or ensure_font()
    if isinstance(texts, str):
        texts = [texts]
    chars = {ch for ch in "".join(str(text) for text in texts) if not ch.isspace()}
    face = _face(str(font.path), font.index)
    if face is None or not _draws_probe(str(font.path), font.index):
        # (a font FreeType refuses, or one that maps Chinese to placeholders: its
        # character map as fontTools reads it, placeholders covering nothing)
        codepoints, _ = _font_info(str(font.path), font.index)
        return {ch for ch in chars if ord(ch) not in codepoints}
    # FreeType's glyph of each distinct character: the whole character map of a CJK
    # font took 0.18 s a process to read
    return {ch for ch in chars if not face.get_char_index(ord(ch))}


@functools.lru_cache(maxsize=8)
def _face(path: str, index: int = 0):
    """The font face as FreeType opened it (matplotlib's ``FT2Font``), or None."""
    from matplotlib.ft2font import FT2Font

    try:
        return FT2Font(path, face_index=index) if index else FT2Font(path)
    except Exception:  # an older matplotlib (no face_index) or a font FreeType refuses
        return None
