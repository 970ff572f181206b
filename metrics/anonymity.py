"""The one place that decides which survey figures are hidden (DESIGN.md, Anonymity).

Primary suppression hides every group with 1 to threshold-1 respondents. Complementary
suppression then hides further groups until no hidden group can be worked out by subtraction:
a group's respondents are its children's plus its own directly placed staff's, so each parent
gives one equation  parent = children + own staff.  Whenever some equation has exactly one
unknown and that unknown is protected (a hidden group, or a non-empty own-staff part below the
threshold), the smallest visible other part of that equation is hidden too, and the check
starts again. Own-staff parts are never shown, so they count as unknown.
"""

from __future__ import annotations

from collections import defaultdict

ORGANISATION = "ALL"


def hidden_groups(
    parents: dict[str, str | None], respondents: dict[str, int], threshold: int
) -> set[str]:
    """The groups whose figures must not be shown.

    parents maps each group to its parent group (None for the top); respondents gives each
    group's respondents, its sub-groups included.
    """
    children: dict[str, list[str]] = defaultdict(list)
    for group, parent in parents.items():
        if parent is not None:
            children[parent].append(group)
    hidden = {g for g, n in respondents.items() if 0 < n < threshold}
    own = {
        p: respondents.get(p, 0) - sum(respondents.get(c, 0) for c in kids)
        for p, kids in children.items()
    }
    while True:
        leak = _first_leak(children, respondents, own, hidden, threshold)
        if leak is None:
            return hidden
        hidden.add(leak)


def _first_leak(children, respondents, own, hidden, threshold) -> str | None:
    """The next group to hide, or None when no protected figure can be deduced."""
    known = {g for g, n in respondents.items() if g not in hidden or n == 0}
    known |= {f"own:{p}" for p, n in own.items() if n <= 0}
    protected = set(hidden) | {f"own:{p}" for p, n in own.items() if 0 < n < threshold}
    progress = True
    while progress:
        progress = False
        for parent, kids in children.items():
            terms = [parent, *kids, f"own:{parent}"]
            unknown = [t for t in terms if t not in known]
            if len(unknown) != 1:
                continue
            if unknown[0] in protected:
                return _complement(parent, kids, unknown[0], respondents, hidden)
            known.add(unknown[0])
            progress = True
    return None


def _complement(parent, kids, exposed, respondents, hidden) -> str:
    """The smallest visible sibling of the exposed part, or failing that the parent itself."""
    visible = [k for k in kids if k != exposed and k not in hidden and respondents.get(k, 0) > 0]
    if visible:
        return min(visible, key=lambda k: (respondents.get(k, 0), k))
    return parent
