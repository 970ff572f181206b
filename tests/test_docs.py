"""The docs stay true: every report and command the README names exists, every report is in it,
the generated parts of docs/ match the code they are generated from, and every file and
function the docs name is there."""

import re
from pathlib import Path

import pytest

from docs import generate
from docs.screenshots import PROJECTOR, WIDE, shot_name
from metrics import cli
from metrics.access import PAGES
from metrics.contract import KINDS
from metrics.registry import REPORTS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
DOCS = ("design.md", "data-contract.md", "how-a-figure-travels.md")
# The folders of Pöhinä's own code, where the docs' files and functions are looked for.
CODE = ("app.py", "server.py", "api.py", "metrics", "ui", "pages")


def test_every_report_is_listed_in_the_readme():
    missing = [name for name in REPORTS if f"`{name}`" not in README]
    assert not missing


def test_make_targets_in_the_readme_exist():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    for target in set(re.findall(r"\bmake ([a-z][a-z-]*)", README)):
        assert target in targets, target


def test_command_line_commands_in_the_readme_exist():
    commands = cli.parser()._subparsers._group_actions[0].choices
    for command in set(re.findall(r"python -m metrics ([a-z]+)", README)):
        assert command in commands, command


def test_readme_screenshot_exists():
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / image).exists(), image


def test_the_readme_shows_every_page_at_1440x900_and_the_overview_on_a_projector():
    """`make screenshots` takes them (docs/screenshots.py); a new page needs its picture."""
    wanted = [shot_name(page, WIDE) for page in PAGES] + [shot_name("overview", PROJECTOR)]
    for name in wanted:
        assert (ROOT / "docs" / "screenshots" / name).exists(), f"{name}: run `make screenshots`"
        assert f"](docs/screenshots/{name})" in README, name


@pytest.mark.parametrize("file_name", sorted(generate.GENERATED))
def test_generated_parts_of_the_docs_match_the_code(file_name):
    """The metric definitions (from the catalogue), the contract's columns (from
    metrics/contract.py), the reports (from the registry) and the command line's usage (from its
    parser) are regenerated in memory; `make docs` writes them."""
    text = (generate.DOCS / file_name).read_text("utf-8")
    assert generate.generated(file_name, text) == text, f"docs/{file_name}: run `make docs`"


def test_the_readme_links_the_docs_and_the_changelog():
    for target in [*(f"docs/{name}" for name in DOCS), "CHANGELOG.md"]:
        assert f"]({target})" in README, target


def test_every_kind_has_its_rules_in_the_data_contract():
    contract = (ROOT / "docs" / "data-contract.md").read_text("utf-8")
    rules = contract.split("### Rules of each kind", 1)[1].split("\n### ", 1)[0]
    missing = [kind for kind in KINDS if f"**`{kind}`**" not in rules]
    assert not missing, "describe the rules of each kind in docs/data-contract.md"


def _docs_text() -> str:
    return "\n".join((ROOT / "docs" / name).read_text("utf-8") for name in DOCS)


def test_files_the_docs_name_exist():
    named = set(
        re.findall(
            r"`(app\.py|(?:metrics|ui|pages|data|tests|bench|docs)/[\w./*-]*)`", _docs_text()
        )
    )
    missing = [n for n in named if not n.endswith(".duckdb") and not list(ROOT.glob(n))]
    assert not missing, missing


def _code_text() -> str:
    return "\n".join(
        path.read_text("utf-8")
        for top in CODE
        for path in ([ROOT / top] if top.endswith(".py") else (ROOT / top).rglob("*.py"))
    )


def test_functions_the_docs_name_exist():
    """A function written as `name()` or `module.name()` in the docs is defined in the code: a
    renamed or moved function fails here until the docs follow it."""
    defined = set(re.findall(r"^\s*(?:async )?def (\w+)\(", _code_text(), re.MULTILINE))
    named = {m.rsplit(".", 1)[-1] for m in re.findall(r"`(\w[\w.]*)\(\)`", _docs_text())}
    missing = sorted(named - defined)
    assert not missing, missing


def test_module_names_in_the_docs_exist():
    """`module.name` in the docs (`ideas.idea_flow`, `survey.latest_rounds()`), where the module
    is one of metrics/ or ui/, names something the module has; `section.key` (`imports.
    max_file_mb`) may also be a setting in data/settings.toml."""
    settings = (ROOT / "data" / "settings.toml").read_text("utf-8")
    missing = []
    for module, name in set(re.findall(r"`(\w+)\.(\w+)(?:\(\))?`", _docs_text())):
        if name in ("py", "csv", "md", "toml", "xlsx", "json"):  # a file name
            continue
        paths = [ROOT / folder / f"{module}.py" for folder in ("metrics", "ui")]
        texts = [path.read_text("utf-8") for path in paths if path.exists()]
        if f"[{module}]" in settings:
            texts.append(settings)
        if texts and not any(name in re.findall(r"\w+", text) for text in texts):
            missing.append(f"{module}.{name}")
    assert not missing, missing


def test_constants_the_docs_name_exist():
    """A constant (`COUNTED_SQL`, `KINDS`) or setting variable (`POHINA_DB`) the docs name is in
    the code."""
    code = set(re.findall(r"\w+", _code_text()))
    named = set(re.findall(r"`(?:\w+\.)*([A-Z][A-Z0-9_]{3,})`", _docs_text()))
    missing = sorted(named - code)
    assert not missing, missing


def test_code_cites_the_docs_by_their_path():
    """A comment citing the design or the data contract points at docs/design.md or
    docs/data-contract.md, the files in the repository."""
    stale = [
        f"{path.relative_to(ROOT)}:{number}"
        for top in (*CODE, "tests", "bench", "README.md")
        for path in ([ROOT / top] if "." in top else (ROOT / top).rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if re.search(r"(?:^|[\s(])(DESIGN\.md|data-contract\.md)", line)
    ]
    assert not stale, stale
