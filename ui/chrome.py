"""What the browser shows around and inside Streamlit's widgets: the tab's title, the page's
language, Streamlit's own English words, and a few style rules.

Streamlit's options come first: multiselects get `placeholder=` (placeholder()), the uploader
its label, help and `max_upload_size`, the tab its title (set_page_config). What has no option
in Streamlit 1.67, `dress()` puts right with one small script and one style sheet, both
written here and nowhere else:

- `<html lang>` is always "en" (streamlit/streamlit#15726): a screen reader would read Finnish
  with an English voice. The script sets it to the chosen language.
- Streamlit's frontend writes fixed English: the uploader's "Upload", "Drag and drop a file
  here" and "200MB per file", the menu's "View 3 more", the input instructions "Press Enter to
  submit form" / "Press Enter to apply" (TEXT, INSTRUCTIONS: replaced inside those widgets
  only, SCOPES), and what a screen reader hears of its buttons: "Open", "Clear all", "Help for
  …", "Link to heading", "Collapse sidebar" (ATTRIBUTES: placeholders and aria-labels). The
  script puts the texts of ui/locales/chrome.toml in their place, and a MutationObserver does
  it again whenever Streamlit redraws them; it remembers the English it replaced, so a change
  of language works too. A Streamlit upgrade may change a wording: tests/test_chrome.py and
  tests/test_browser_chrome.py say so.
- the status colours of pilot projects on cards, and narrower side margins (style()).

The script is installed once per browser tab and survives reruns and page changes; each rerun
sends the same element again, so it stays, and a change of language sends new texts.
"""

from __future__ import annotations

import json
import re

import streamlit as st

from ui import charts, i18n
from ui.i18n import t

# Streamlit's own English, by the key of its translation in ui/locales/chrome.toml: words it
# writes as text inside its widgets (SCOPES), and words a screen reader reads out anywhere (a
# placeholder, a button's aria-label). They are kept apart, so an option of a drop-down that
# happens to read "Open" stays as it is. A {value} stands for the part Streamlit fills in.
TEXT = {
    "chrome.choose_options": "Choose options",
    "chrome.choose_option": "Choose an option",
    "chrome.no_options": "No options to select",
    "chrome.upload": "Upload",
    "chrome.drop_file": "Drag and drop a file here",
    "chrome.drop_files": "Drag and drop files here",
    "chrome.view_more": "View {value} more",
    "chrome.view_less": "View less",
}
ATTRIBUTES = {
    "chrome.choose_options": "Choose options",
    "chrome.choose_option": "Choose an option",
    "chrome.open": "Open",
    "chrome.clear_all": "Clear all",
    "chrome.clear_value": "Clear value",
    "chrome.selected_values": "Selected values",
    "chrome.remove": "Remove {value}",
    "chrome.help": "Help",
    "chrome.help_for": "Help for {value}",
    "chrome.link_to_heading": "Link to heading",
    "chrome.collapse_sidebar": "Collapse sidebar",
    "chrome.expand_sidebar": "Expand sidebar",
    "chrome.app_pages": "App pages",
    "chrome.main_menu": "Main menu",
    "chrome.sidebar": "Sidebar",
}
# The keys Streamlit names in its input instructions: Enter in a field, Ctrl/⌘+Enter in an area.
KEYS = ("Enter", "Ctrl+Enter", "⌘+Enter")
INSTRUCTIONS = {
    "chrome.enter_submit": "Press {keys} to submit form",
    "chrome.enter_apply": "Press {keys} to apply",
}
# The widgets whose text is replaced, and nothing else's.
SCOPES = (
    '[data-testid="stFileUploader"]',
    '[data-testid="InputInstructions"]',
    '[data-testid="stMultiSelect"]',
    '[data-testid="stSelectbox"]',
    '[data-testid="stSidebarNavViewButton"]',
)


def tab_title(page_title: str, lang: str | None = None) -> str:
    """'Kehittämisideat · Pöhinä': the page first, so a row of tabs tells them apart."""
    return t("chrome.tab_title", lang, page=page_title)


def placeholder(many: bool = True) -> str:
    """A multiselect's (or an empty selectbox's) placeholder in the chosen language."""
    return t("chrome.choose_options" if many else "chrome.choose_option")


def _words(table: dict[str, str], lang: str) -> tuple[dict[str, str], list[list[str]]]:
    """Exact words, each of its wordings (Streamlit's English; our Finnish, Swedish, English)
    mapped to the language's; and the English with a {value} as [regular expression, words]."""
    exact: dict[str, str] = {}
    patterns: list[list[str]] = []
    for key, english in table.items():
        if "{value}" in english:
            source = "^" + re.escape(english).replace(re.escape("{value}"), "(.+)") + "$"
            patterns.append([source, t(key, lang, value="{value}")])
            continue
        for wording in (english, *(t(key, other) for other in i18n.LANGUAGES)):
            exact[wording] = t(key, lang)
    return exact, patterns


def texts(lang: str) -> dict:
    """What the script needs: the language, the words to put in place of Streamlit's, the
    template of the uploader's size limit with the language's units and decimal mark."""
    text, text_patterns = _words(TEXT, lang)
    for key, english in INSTRUCTIONS.items():
        for keys in KEYS:
            for wording in (english, *(t(key, other, keys=keys) for other in i18n.LANGUAGES)):
                text[wording.format(keys=keys)] = t(key, lang, keys=keys)
    attributes, attribute_patterns = _words(ATTRIBUTES, lang)
    units = dict(zip(("KB", "MB", "GB"), t("chrome.size_units", lang).split(), strict=True))
    return {
        "lang": lang,
        "text": text,
        "textPatterns": text_patterns,
        "attributes": attributes,
        "attributePatterns": attribute_patterns,
        "perFile": t("chrome.per_file", lang),
        "units": units,
        "decimal": i18n.number(1.5, 1, lang)[1],
    }


SCRIPT = """<script>
(function () {
  var texts = %(texts)s;
  document.documentElement.lang = texts.lang;
  window.pohinaTexts = texts;
  if (window.pohinaTranslate) { window.pohinaTranslate(); return; }
  var SCOPES = %(scopes)s, ATTRIBUTES = ["placeholder", "aria-label"];
  var PER_FILE = /^(\\d+(?:\\.\\d+)?)\\s*(KB|MB|GB) per file$/;
  // what was replaced: node or element -> {"text" or attribute: {original, written}}
  var memory = new WeakMap(), pending = false;
  function render(source, slot) {
    var now = window.pohinaTexts, key = source.trim(), found, i;
    var text = slot === "text";
    var words = text ? now.text : now.attributes;
    var patterns = text ? now.textPatterns : now.attributePatterns;
    if (Object.prototype.hasOwnProperty.call(words, key)) return words[key];
    for (i = 0; i < patterns.length; i++) {
      found = new RegExp(patterns[i][0]).exec(key);
      if (found) return patterns[i][1].replace("{value}", found[1]);
    }
    found = text && PER_FILE.exec(key);
    return found ? now.perFile.replace("{size}",
      found[1].replace(".", now.decimal) + "\\u00a0" + now.units[found[2]]) : null;
  }
  // Streamlit's English: the original we kept if the place still holds what we wrote there,
  // else what Streamlit has just written. Returns the text to show, or null to leave it.
  function replace(owner, slot, value) {
    var kept = memory.get(owner) || {}, last = kept[slot];
    var source = last && last.written === value ? last.original : value;
    var wanted = value === null ? null : render(source, slot);
    if (wanted === null) return null;
    kept[slot] = {original: source, written: wanted};
    memory.set(owner, kept);
    return wanted === value ? null : wanted;
  }
  function translate() {
    pending = false;
    document.documentElement.lang = window.pohinaTexts.lang;
    document.querySelectorAll(SCOPES).forEach(function (scope) {
      var walk = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT), node, wanted;
      while ((node = walk.nextNode())) {
        wanted = replace(node, "text", node.nodeValue);
        if (wanted !== null) node.nodeValue = wanted;
      }
    });
    document.querySelectorAll("[placeholder], [aria-label]").forEach(function (element) {
      ATTRIBUTES.forEach(function (name) {
        var wanted = replace(element, name, element.getAttribute(name));
        if (wanted !== null) element.setAttribute(name, wanted);
      });
    });
  }
  window.pohinaTranslate = translate;
  new MutationObserver(function () {
    if (!pending) { pending = true; window.requestAnimationFrame(translate); }
  }).observe(document.body, {childList: true, subtree: true, characterData: true,
                             attributes: true, attributeFilter: ATTRIBUTES});
  translate();
})();
</script>"""


def script(lang: str) -> str:
    values = {"texts": json.dumps(texts(lang)), "scopes": json.dumps(", ".join(SCOPES))}
    return SCRIPT % {k: v.replace("</", "<\\/") for k, v in values.items()}


def style() -> str:
    """Style rules Streamlit has no option for (the theme's options are in config.toml)."""
    stripes = "\n".join(
        f'.st-key-status-{status} [data-testid="stMetric"] '
        f"{{ border-left: 0.5rem solid {colour}; }}"
        for status, colour in charts.STATUS_COLOURS.items()
    )
    return f"""<style>
/* The projector (1024 px wide): the wide layout's 5rem side margins would leave too little
   room for a row of five figures. */
@media (max-width: 1280px) {{
  [data-testid="stMainBlockContainer"] {{ padding-left: 1.5rem; padding-right: 1.5rem; }}
}}
/* This module's script has run once it is on the page: its element takes no room. */
[data-testid="stSidebar"] [data-testid="stElementContainer"]:has(
  > [data-testid="stHtml"] > script:only-child) {{ display: none; }}
/* A pilot status card wears its status colour (ui.charts.STATUS_COLOURS), as in the charts. */
{stripes}
</style>"""


def dress(page_title: str) -> None:
    """Call once per run, after the page is chosen and before it runs."""
    lang = i18n.current_language()
    st.set_page_config(page_title=tab_title(page_title, lang))
    st.html(style())  # style only: Streamlit puts it where it takes no room
    st.sidebar.html(script(lang), unsafe_allow_javascript=True)
