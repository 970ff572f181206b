"""What Streamlit's own look leaves out for keyboard users: a focus ring that can be seen, and
focus moved to the field a form refused (`refused()`).

`inject()` runs once per script run (app.py). Its style only adds a focus outline: 3 px of the
theme's primary colour (#0B4F8A: 8.4:1 on white, 7.5:1 on the sidebar, WCAG 2.1 1.4.11 asks for
3:1), two pixels off the control, on every control the Tab key reaches (sidebar links, buttons,
text fields, drop-downs, radios, checkboxes, tabs). Streamlit's own ring is a faint shadow, and
a sidebar link's is the same grey as the page that is open. The current page is also marked by
more than a shade of grey: its link is bold. (ui.chrome sets the page's language and
Streamlit's own words.)
"""

from __future__ import annotations

import json
import uuid

import streamlit as st

PRIMARY = "#0B4F8A"  # .streamlit/config.toml [theme] primaryColor
HIDDEN = "pohina_script"  # the key of the containers our scripts go in, drawn as nothing

# Each rule names what the Tab key lands on. A field draws its ring on the box around it (the
# <input> sits flush inside that box); a radio or checkbox on its whole option, circle and words
# (the real <input> is hidden); the main area, which takes focus to scroll, inside its edge.
FOCUS_CSS = """
<style>
a:focus-visible,
button:focus-visible,
summary:focus-visible,
[role="tab"]:focus-visible,
[role="button"]:focus-visible,
div:has(> input:not([type="radio"], [type="checkbox"]):focus-visible),
div:has(> textarea:focus-visible),
label:has(input[type="radio"]:focus-visible),
label:has(input[type="checkbox"]:focus-visible),
[data-testid="stMain"]:focus-visible {
  outline: 3px solid PRIMARY !important;
  outline-offset: 2px !important;
}
[data-testid="stMain"]:focus-visible { outline-offset: -3px !important; }
[data-testid="stSidebarNavLink"][aria-current="page"] span { font-weight: 700; }
[class*="st-key-HIDDEN"] { display: none; }
</style>
""".replace("PRIMARY", PRIMARY).replace("HIDDEN", HIDDEN)

# Marks the fields inside the elements CSS selectors find invalid for screen readers (no other:
# a field put right is no longer marked), once they are on the page, and moves focus to the
# first.
FOCUS_SCRIPT = """
<script>
(() => {
  const selectors = SELECTORS;
  const focusable = 'input:not([type="hidden"]), textarea, [role="combobox"], [tabindex="0"]';
  let tries = 0;
  const attempt = () => {
    const fields = selectors.map(s => document.querySelector(s)?.querySelector(focusable));
    if (fields.every(Boolean)) {
      document.querySelectorAll('[aria-invalid="true"]').forEach(
        e => e.removeAttribute("aria-invalid"));
      fields.forEach(field => field.setAttribute("aria-invalid", "true"));
      fields[0].focus();
      fields[0].scrollIntoView({block: "center"});
    } else if (tries++ < 40) {
      setTimeout(attempt, 50);
    }
  };
  attempt();
})();
</script>
"""


def inject() -> None:
    """The focus style for this run (a style-only st.html takes no room on the page)."""
    st.html(FOCUS_CSS)


def _script(place, script: str) -> None:
    """Run a script of ours without drawing anything (not even the gap below an element)."""
    with place.container(key=f"{HIDDEN}_{uuid.uuid4().hex[:8]}"):
        st.html(script, unsafe_allow_javascript=True)


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element of a widget with this key."""
    return "st-key-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in key.strip())


def refused(keys: list[str]) -> None:
    """Mark the widgets with these keys as refused (a form's fields that need putting right)
    and move keyboard focus to the first."""
    selectors = ["." + key_class(key) for key in keys]
    _script(st, FOCUS_SCRIPT.replace("SELECTORS", json.dumps(selectors)))
