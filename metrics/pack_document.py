"""The meeting pack written out: one self-contained HTML file, and a PDF made from that HTML.

Why this route to PDF: WeasyPrint lays out our own HTML and CSS for print (A4 pages, page
numbers and a running footer from CSS paged media, table headers repeated on every page) and
embeds the subset of each font it uses, so Finnish and Swedish letters stay text a reader can
search and copy. It is a Python library (BSD) with a steady release history, needs only
Pango from the system (Debian's libpango-1.0-0 and libpangoft2-1.0-0) and a font
(fonts-dejavu-core), and no browser: Chrome-based routes (kaleido, Playwright's page.pdf) would
put a headless Chrome on the city's server. The charts are inline SVG drawn by
metrics/pack_svg.py, so they stay vector graphics in the PDF and need nothing at all in the
HTML. Nothing is fetched while rendering: the fetcher refuses every address.

The blocks and their words come from metrics/pack_render.py; every text there is escaped.
"""

from __future__ import annotations

from html import escape

from metrics import formats
from metrics.pack import Pack
from metrics.pack_render import blocks, period_range, texts, title, written

FONT_FAMILY = '"DejaVu Sans", "Source Sans Pro", Arial, sans-serif'


# ----------------------------------------------------------------------------- the document

_CSS = """
@page {
  size: A4;
  margin: 16mm 16mm 22mm 16mm;
  @bottom-left {
    content: "FOOTER"; width: 150mm; font-family: FONT; font-size: 7.5pt; color: #404040;
    vertical-align: top; padding-top: 3mm;
  }
  @bottom-right {
    content: "PAGE_WORD " counter(page) " / " counter(pages); width: 22mm;
    font-family: FONT; font-size: 7.5pt; color: #404040; vertical-align: top; padding-top: 3mm;
  }
}
html { font-family: FONT; font-size: 10pt; color: #1A1A1A; line-height: 1.4; }
body { margin: 0 auto; max-width: 180mm; }
.running { font-size: 7.5pt; color: #404040; margin: 0; }
h1 { font-size: 24pt; margin: 2mm 0 3mm 0; color: #0B4F8A; }
h2 { font-size: 15pt; margin: 7mm 0 2mm 0; color: #0B4F8A;
     border-bottom: 1.5pt solid #0B4F8A; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 5mm 0 1.5mm 0; break-after: avoid; }
p { margin: 1mm 0 2mm 0; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 8.5pt; color: #404040; }
.meeting { font-size: 14pt; font-weight: bold; margin-bottom: 1mm; }
.scope { font-weight: bold; }
.muted { color: #404040; }
.small { font-size: 8.5pt; }
.cover { border-top: 3pt solid #0B4F8A; padding-top: 4mm; }
.sentences { padding-left: 0; list-style: none; }
.sentences li { margin: 0 0 2mm 0; padding: 1.5mm 2mm 1.5mm 7mm; position: relative;
                background: #F0F3F7; border-left: 2.5pt solid #8C8C8C; break-inside: avoid; }
.sentences li::before { position: absolute; left: 2mm; font-weight: bold; }
.sentences li.tone-better { border-left-color: #009E73; }
.sentences li.tone-better::before { content: "+"; }
.sentences li.tone-decision { border-left-color: #D55E00; }
.sentences li.tone-decision::before { content: "!"; }
.sentences li.tone-fact::before { content: "·"; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; margin: 1mm 0 3mm 0; }
th, td { hyphens: auto; }  /* a long word breaks where the language allows (Pyphen) */
.keep { white-space: nowrap; }
table.narrow { width: 60%; }
table.figures { font-size: 9.5pt; }
th { text-align: left; border-bottom: 1pt solid #1A1A1A; padding: 1mm 1.5mm;
     vertical-align: bottom; }
table.ideas th:nth-child(2), table.projects th:nth-child(1) { width: 34%; }
td { border-bottom: 0.5pt solid #C8C8C8; padding: 1mm 1.5mm; vertical-align: top; }
.num { text-align: right; }
td.num { white-space: nowrap; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
.chart { margin: 1mm 0 2mm 0; break-inside: avoid; }
.chart svg { width: 100%; height: auto; }
.definitions dt { font-weight: bold; margin-top: 1.5mm; break-after: avoid; }
.definitions dd { margin: 0 0 0 5mm; font-size: 8.5pt; }
section.page { break-before: page; }
section.headline { break-before: page; }
@media screen {
  body { padding: 8mm; }
  .running { border-bottom: 0.5pt solid #C8C8C8; padding-bottom: 2mm; margin-bottom: 4mm; }
}
@media print {
  a { color: inherit; text-decoration: none; }
  .running { display: none; }  /* each page's footer says it */
}
"""


def _css_string(words: str) -> str:
    """Words inside a CSS string literal: backslashes and quotes escaped, no line breaks."""
    return words.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def footer(pack: Pack, lang: str) -> str:
    """The running footer: the period covered and the data's sources."""
    t = texts(lang)
    load = formats.day(pack.last_load.date(), lang) if pack.last_load else formats.MISSING
    return t("pack.footer", period=period_range(pack.period, lang), load=load)


def html(pack: Pack, lang: str = "fi") -> str:
    """The pack as one self-contained HTML document: no script, no style or font fetched from
    elsewhere, charts inline; printable (A4), and the source of the PDF."""
    if lang not in formats.LANGUAGES:
        raise ValueError(f"no language {lang!r}; the languages are fi, sv, en")
    t = texts(lang)
    # the footer's words go into the page's margin as a CSS string: the period and the sources
    # are Pöhinä's own words and dates, never text from the data
    css = (
        _CSS.replace("FONT", FONT_FAMILY)
        .replace("PAGE_WORD", _css_string(t("pack.page")))
        .replace("FOOTER", _css_string(footer(pack, lang)))
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(t('pack.title'))} – {escape(title(pack, lang))}</title>",
        '<meta name="generator" content="Pöhinä">',
        f"<style>{css}</style></head><body>",
        f'<p class="running">{escape(footer(pack, lang))}</p>',
    ]
    parts += [written(block) for block in blocks(pack, lang)]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def pdf(pack: Pack, lang: str = "fi") -> bytes:
    """The pack as an A4 PDF (WeasyPrint from `html`), fonts embedded, nothing fetched."""
    from weasyprint import HTML  # imported here: only the PDF needs it (and Pango)
    from weasyprint.urls import URLFetcher

    document = HTML(string=html(pack, lang), url_fetcher=URLFetcher(allowed_protocols=()))
    return document.write_pdf()
