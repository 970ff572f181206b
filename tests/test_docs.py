"""The README stays true: every report and command it names exists, and every report is in it."""

import re
from pathlib import Path

from metrics import cli
from metrics.registry import REPORTS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


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
