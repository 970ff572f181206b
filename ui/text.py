"""Data text made inert for Streamlit's Markdown: the one escaping helper.

Names and titles come from files a city loads (units, rounds, teams, projects, practices,
ideas) and from the address. Every st.markdown, st.caption, st.title/header/subheader,
st.info/warning/error/success, metric and expander label, and radio or tab option reads its
text as Markdown: a unit named `![x](http://evil.example/a.png)` would fetch that image and
`[click](http://evil.example)` show a live link. Whatever data text goes there passes through
`plain` first (in a t(...) message: the value, never the translated words around it).
st.text, st.code, st.dataframe cells and selectbox options show text as it is, and need
nothing.
"""

from __future__ import annotations

import re

# CommonMark lets a backslash escape any ASCII punctuation. These are the characters that
# mean something to Streamlit's Markdown: emphasis, code, links and images, autolinks
# (`http:`, `www.`, `name@host`), raw HTML and entities, headings, lists, tables and quotes,
# LaTeX (`$`), text directives (`:red[…]`, `{…}`), shortcodes (`:material/…:`, `:smile:`) and
# the typographic arrows (`->`).
SPECIAL = "\\`*_{}[]()<>#+-.!|~$:&=@/"
_SPECIAL = re.compile("([" + re.escape(SPECIAL) + "])")
_LINE_BREAKS = re.compile(r"[\r\n]+")


def plain(text: object) -> str:
    """`text` to show literally where Streamlit reads Markdown: every special character
    backslash-escaped, and line breaks made spaces (a name is one line; a break could start
    a heading or a list)."""
    return _SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))
