"""The one place that decides which survey figures are hidden (docs/design.md, Anonymity).

Primary suppression hides every group with 1 to threshold-1 respondents. Complementary
suppression then hides further groups until no hidden group can be worked out by subtraction:
a group's respondents are its children's plus its own directly placed staff's, so each parent
gives one equation  parent = children + own staff.  Own-staff parts are never shown, so they
count as unknown; a group with no respondents is known (its emptiness is visible). A part that
is alone unknown in an equation is deduced and counts as known from then on. There is a leak,
and the smallest visible other child of that equation (failing that, the parent) is hidden
too before the check starts again, wherever

- an equation has exactly one unknown part and that part is protected (a hidden group, or a
  non-empty own-staff part below the threshold), or
- an equation's parent is known and its unknown parts together hold 1 to threshold-1
  respondents: their pooled figure would be a figure of too few people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from metrics import settings

ORGANISATION = "ALL"


def threshold() -> int:
    """The fewest respondents a shown survey figure may have (settings: anonymity.
    min_respondents, never below 3). Every module that hides figures asks here."""
    return settings.load().min_respondents


def hidden_groups(
    parents: dict[str, str | None],
    respondents: dict[str, int],
    threshold: int,
    *,
    also_hidden: Iterable[str] = (),
) -> set[str]:
    """The groups whose figures must not be shown.

    parents maps each group to its parent group (None for the top); respondents gives each
    group's respondents, its sub-groups included (a group left out has none); also_hidden
    names groups that are hidden already for another reason (a publisher's suppression, or
    the indicator-level decision when items are checked) and must be protected like the rest.
    """
    children: dict[str, list[str]] = defaultdict(list)
    for group, parent in parents.items():
        if parent is not None:
            children[parent].append(group)
    hidden = {g for g, n in respondents.items() if 0 < n < threshold} | set(also_hidden)
    own = {
        p: max(respondents.get(p, 0) - sum(respondents.get(c, 0) for c in kids), 0)
        for p, kids in children.items()
    }
    # What does not change while groups are hidden one by one, worked out once.
    tree = _Tree(
        children=children,
        respondents=respondents,
        size={**respondents, **{f"own:{p}": n for p, n in own.items()}},
        groups=set(children) | {k for kids in children.values() for k in kids} | set(respondents),
        empty_own={f"own:{p}" for p, n in own.items() if n == 0},
        small_own={f"own:{p}" for p, n in own.items() if 0 < n < threshold},
    )
    while True:
        leak = _first_leak(tree, hidden, threshold)
        if leak is None:
            return hidden
        hidden.add(leak)


@dataclass(frozen=True)
class _Tree:
    children: dict[str, list[str]]
    respondents: dict[str, int]
    size: dict[str, int]  # respondents of each group and own-staff part
    groups: set[str]
    empty_own: set[str]  # own-staff parts with no respondents: known to be empty
    small_own: set[str]  # own-staff parts below the threshold: protected


def _first_leak(tree: _Tree, hidden: set[str], threshold: int) -> str | None:
    """The next group to hide, or None when no protected figure can be deduced."""
    children, respondents, size = tree.children, tree.respondents, tree.size
    known = (tree.groups - hidden) | tree.empty_own
    protected = hidden | tree.small_own
    progress = True
    while progress:
        progress = False
        for parent, kids in children.items():
            unknown = [t for t in [parent, *kids, f"own:{parent}"] if t not in known]
            if len(unknown) != 1:
                continue
            if unknown[0] in protected:
                leak = _complement(parent, kids, unknown, respondents, hidden)
                if leak is not None:
                    return leak
                continue
            known.add(unknown[0])
            progress = True
    for parent, kids in children.items():
        if parent not in known:
            continue
        unknown = [t for t in [*kids, f"own:{parent}"] if t not in known]
        if len(unknown) > 1 and 0 < sum(size.get(t, 0) for t in unknown) < threshold:
            leak = _complement(parent, kids, unknown, respondents, hidden)
            if leak is not None:
                return leak
    return None


def _complement(parent, kids, exposed, respondents, hidden) -> str | None:
    """The smallest visible child outside the exposed parts, failing that the parent, or None
    when everything that could be hidden already is."""
    visible = [
        k for k in kids if k not in exposed and k not in hidden and respondents.get(k, 0) > 0
    ]
    if visible:
        return min(visible, key=lambda k: (respondents.get(k, 0), k))
    return None if parent in hidden else parent
