"""Why a search result is listed, where its name does not show it: "nickname match" (Michael
for "mike": with no word of why, he read as a wrong result) and "found in notes" (Dana, whose
note says "Mike K"). One rule for the Search window's rows and `callercard search`."""

from __future__ import annotations

from desktop.core.search_query import TIER_GIVEN_NAME, SearchHit

# The fields a result's words may be found in beyond who they are, as people call them; name
# and number are on the result itself.
FIELD_WORDS = {
    "company": "company", "title": "title", "email": "email", "notes": "notes",
    "reason": "reason", "referred_by": "referral", "next_step": "next step",
}  # fmt: skip


def how_found(hit: SearchHit, why_we_called: str) -> tuple[str, ...]:
    """What to say of how `hit` matched: "nickname match", and where the words were found
    ("found in notes, referral") unless the result says why we called them, which is its
    line's point and holds the reason already."""
    said: list[str] = []
    if hit.tier == TIER_GIVEN_NAME:
        said.append("nickname match")
    found_in = [FIELD_WORDS[f] for f in hit.matched_in if f in FIELD_WORDS]
    if found_in and not why_we_called:
        said.append("found in " + ", ".join(found_in))
    return tuple(said)
