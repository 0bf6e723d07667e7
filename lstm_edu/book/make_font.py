"""Regenerate the book's Chinese web font: a subset of Noto Sans CJK SC with exactly the CJK
characters the book uses.

    python -m lstm_edu.book.make_font [--fonts DIR]

What it covers
--------------
- collects every CJK character (ideographs, CJK punctuation, full-width forms) from the book's
  sources: ``intro.md``, ``_toc.yml``, ``_config.yml``, ``chapters/`` (pages and notebooks)
  and the ``lstm_edu`` package, whose outputs the pages show;
- cuts Noto Sans CJK SC (Regular and Bold, from Debian's ``fonts-noto-cjk``, SIL Open Font
  License 1.1) down to those characters with fontTools' subsetter and writes WOFF2 files to
  ``lstm_edu/book/static/fonts/`` together with the licence (``OFL.txt``); the extension
  ``lstm_edu.book.sphinxext`` copies that folder into the book's ``_static`` and
  ``lstm_edu.css`` declares the faces (family ``Inside the LSTM CJK``, CJK code points only).

Run it after adding Chinese text to the book; ``tests/test_reader_view.py`` fails while a
character of the sources is missing from the font. The source fonts come from
``apt-get install fonts-noto-cjk`` (they land in ``/usr/share/fonts/opentype/noto``) or,
without installing, ``apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb x``
(then ``--fonts x/usr/share/fonts/opentype/noto``). Needs ``fonttools`` and ``brotli``
(``requirements-dev.txt``); the book itself needs neither.

What it does not cover: Japanese kana or Korean hangul forms beyond what SC carries, vertical
text, and any font but Noto Sans CJK SC.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "static" / "fonts"
DEBIAN_FONTS = Path("/usr/share/fonts/opentype/noto")
#: (collection in fonts-noto-cjk, output file); face 2 of each collection is SC.
FACES = (("NotoSansCJK-Regular.ttc", "lstm-edu-cjk.woff2"),
         ("NotoSansCJK-Bold.ttc", "lstm-edu-cjk-bold.woff2"))
SC_INDEX = 2
CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31c0-\u31ef\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)
TEXT_SUFFIXES = {".md", ".ipynb", ".yml", ".yaml", ".py", ".txt", ".csv", ".json", ".bib"}


def book_sources(root: Path = ROOT) -> list[Path]:
    """The files the book's text and outputs come from."""
    files = [root / name for name in ("intro.md", "_toc.yml", "_config.yml", "references.bib")]
    for folder in ("chapters", "lstm_edu"):
        files += [p for p in sorted((root / folder).rglob("*"))
                  if p.suffix in TEXT_SUFFIXES and ".ipynb_checkpoints" not in p.parts]
    return [p for p in files if p.is_file()]


def cjk_characters(paths) -> str:
    """The distinct CJK characters in ``paths``, sorted by code point."""
    found: set[str] = set()
    for path in paths:
        found.update(CJK.findall(Path(path).read_text(encoding="utf-8", errors="ignore")))
    return "".join(sorted(found))


def debian_copyright(fonts_dir: Path) -> Path:
    """Debian's copyright file of the package that holds ``fonts_dir`` (installed or
    extracted): ``<prefix>/usr/share/fonts/opentype/noto`` -> ``<prefix>/usr/share/doc/...``."""
    return Path(fonts_dir).resolve().parents[2] / "doc" / "fonts-noto-cjk" / "copyright"


def licence_text(source_font, fonts_dir: Path) -> str:
    """``OFL.txt``: where the subset comes from, the font's own copyright, and the OFL 1.1."""
    names = source_font["name"]
    copyright_line = names.getDebugName(0)
    version = names.getDebugName(5)
    ofl = debian_copyright(fonts_dir)
    if not ofl.is_file():
        raise ValueError(f"make_fonts: the licence text is read from {ofl}, which is missing;"
                         " pass --fonts inside an installed or extracted fonts-noto-cjk")
    header = (
        "The files lstm-edu-cjk*.woff2 in this folder are subsets of Noto Sans CJK SC\n"
        f"({version}),\ncut to the characters the book uses by lstm_edu/book/make_font.py.\n"
        "They are Modified Versions of the Font Software under the SIL Open Font License 1.1\n"
        "and are distributed under that licence only (not under the book's MIT licence).\n\n"
        f"Copyright: {copyright_line}\n"
        "Noto is a trademark of Google Inc. Upstream: https://github.com/googlefonts/noto-cjk\n\n"
    )
    return header + _ofl_from_debian(ofl)


def _ofl_from_debian(copyright_file: Path) -> str:
    """The OFL 1.1 text from Debian's machine-readable copyright file (``License: SIL-1.1``)."""
    text = copyright_file.read_text(encoding="utf-8")
    block = text.split("License: SIL-1.1\n", 2)[-1].split("\nLicense: ", 1)[0]
    lines = [line[1:] if line.startswith(" ") else line for line in block.splitlines()]
    return "\n".join("" if line == "." else line for line in lines).strip() + "\n"


def make_fonts(fonts_dir: Path = DEBIAN_FONTS, out: Path = OUT, root: Path = ROOT) -> str:
    """Write the WOFF2 subsets and ``OFL.txt`` to ``out``; return the characters kept."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    chars = cjk_characters(book_sources(root))
    if not chars:
        raise ValueError(f"make_fonts: no CJK character found in the sources under {root}")
    out.mkdir(parents=True, exist_ok=True)
    options = subset.Options()
    options.flavor = "woff2"
    options.name_IDs = ["*"]            # keep copyright, licence and its URL in the font
    options.name_languages = ["*"]
    options.notdef_outline = True
    first = None
    for collection, target in FACES:
        source = fonts_dir / collection
        if not source.is_file():
            raise ValueError(f"make_fonts: fonts_dir has no {collection}: looked at {source}"
                             " (apt-get install fonts-noto-cjk, or pass --fonts)")
        font = TTFont(source, fontNumber=SC_INDEX, recalcTimestamp=False)  # reproducible
        first = first or font
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        font.flavor = "woff2"
        font.save(out / target)
    (out / "OFL.txt").write_text(licence_text(first, fonts_dir), encoding="utf-8")
    return chars


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fonts", type=Path, default=DEBIAN_FONTS,
                        help=f"folder with {FACES[0][0]} and {FACES[1][0]} "
                             f"(default {DEBIAN_FONTS})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    args = parser.parse_args(argv)
    chars = make_fonts(args.fonts, args.out)
    sizes = ", ".join(f"{t} {(args.out / t).stat().st_size / 1024:.0f} KB" for _, t in FACES)
    print(f"{len(chars)} characters -> {sizes}")


if __name__ == "__main__":
    main()
