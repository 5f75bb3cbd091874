"""How many were killed, by the rules of ACLED and of UCDP's GED, computed from the claims' own counts.

Which counts count: the ``killed`` counts of a claim that are a whole toll
(a ``shg:subtotal`` — "four of them beheaded" — is a part and is left out),
from every claim about the incident except those whose stance is ``denies``
(a denial's figure is the one denied). A count's *floor* is its ``shg:low``,
else its ``shg:best``; an ``unquantified`` count ("others were executed") has
no figure and gives no floor: it is never read as 0, 1 or any other number.

ACLED: ``fatalities`` is the most conservative estimate across sources
(ACLED codebook, "Fatalities": where reports conflict, the lowest figure is
used), i.e. the lowest floor. A ``dozens`` count is read as 12, ACLED's own
reading of "dozens", not as our vocabulary's low bound of 24: the ACLED-shaped
file is meant to be read beside ACLED's data. No floor at all (no count, or
only unquantified ones) leaves the column empty — unknown, not zero.

GED (UCDP GED codebook, "low", "best", "high"): ``low`` is the lowest floor
(``dozens`` read as our low bound, 24); ``high`` the highest figure any
count states (its ``high``, else ``best``, else ``low``: an open "at least 60"
gives 60, the only figure it states); ``best`` is filled only when low and
high agree and no count states a figure below them (a count with only a
ceiling, "up to 40", gives no floor: beside "at least 60", low and high are
both 60 while the sources disagree), since choosing a most likely figure among
disagreeing sources is a judgement the graph does not record.

>>> c = lambda q, low=None, best=None, high=None: Count("killed", Term("x/" + q, q), low, best, high, False)
>>> acled_fatalities([c("at-least", 29), c("approximately", best=30), c("dozens", 24)])
12
>>> ged_estimates([c("at-least", 29), c("approximately", best=30)])
(29, None, 30)
>>> acled_fatalities([c("unquantified")]) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable

from sahel_kg.exports.records import ClaimRecord, Count, Term

#: ACLED codes an unnumbered "dozens" as 12 (ACLED codebook, fatality coding).
ACLED_DOZENS = 12
#: Stances whose counts are not a claimed toll.
NOT_A_TOLL = frozenset({"denies"})

__all__ = ["ACLED_DOZENS", "Count", "Term", "acled_fatalities", "floor", "ged_estimates", "stated_max", "toll_counts"]


def toll_counts(claims: Iterable[ClaimRecord]) -> list[Count]:
    """The whole-toll killed counts of the claims that count (see the module's rule)."""
    return [count for claim in claims
            if not (claim.stance and claim.stance.slug in NOT_A_TOLL) for count in claim.killed]


def floor(count: Count) -> int | None:
    """The count's lower bound: ``low``, else ``best``; ``None`` when it states no figure."""
    return count.low if count.low is not None else count.best


def stated_max(count: Count) -> int | None:
    """The highest figure the count states: ``high``, else ``best``, else ``low``."""
    for figure in (count.high, count.best, count.low):
        if figure is not None:
            return figure
    return None


def _is_dozens(count: Count) -> bool:
    return count.qualifier is not None and count.qualifier.slug == "dozens"


def acled_fatalities(counts: Iterable[Count]) -> int | None:
    """ACLED's ``fatalities``: the lowest floor, "dozens" read as 12; ``None`` when no count has a figure."""
    floors = [ACLED_DOZENS if _is_dozens(c) else floor(c) for c in counts]
    known = [f for f in floors if f is not None]
    return min(known) if known else None


def ged_estimates(counts: Iterable[Count]) -> tuple[int | None, int | None, int | None]:
    """GED's ``(low, best, high)``: lowest floor, the figure when every stated figure is that one, highest
    stated figure. ``low`` and ``best`` are ``None`` when no count has a floor (only unquantified counts or
    "up to" ceilings), all three when no count states a figure."""
    counts = list(counts)
    floors = [f for c in counts if (f := floor(c)) is not None]
    tops = [t for c in counts if (t := stated_max(c)) is not None]
    low, high = (min(floors) if floors else None), (max(tops) if tops else None)
    # every stated figure must be that one number: "up to 40" has no floor, so beside "at least 60" low and
    # high are both 60 while the sources disagree
    agree = low is not None and low == high and min(tops) == low
    return low, (low if agree else None), high
