"""The softphone table names each softphone once, and the dialer choices and the welcome's hook
recipes take their softphones, titles and call logs from it."""

from __future__ import annotations

import re

import pytest

from desktop.core.dialers import REPORTED_BY, Dialer
from desktop.core.hook_lines import RECIPES, recipe_for_kind
from desktop.core.softphones import OS, SOFTPHONES, log_formats
from tests.conftest import REPO

DOC = REPO / "docs" / "softphone-hooks.md"


def test_each_softphone_and_format_is_named_once() -> None:
    ids = [p.id for p in SOFTPHONES]
    names = [f.name for f in log_formats()]
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)
    assert len({p.title for p in SOFTPHONES}) == len(SOFTPHONES)
    assert len({f.title for f in log_formats()}) == len(names)


def test_ring_time_formats_come_first_then_end_of_call_logs_in_table_order() -> None:
    assert [f.name for f in log_formats()] == [
        "microsip", "linphone", "baresip", "baresip-mqtt",
        "linphone-legacy", "linphonerc", "twinkle", "jitsi", "asterisk", "freeswitch", "yate",
        "telephone",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("platform", "family"),
    [("win32", OS.WINDOWS), ("cygwin", OS.UNIX), ("darwin", OS.MACOS), ("linux", OS.UNIX),
     ("freebsd14", OS.UNIX)],
)  # fmt: skip
def test_platforms_map_to_the_places_of_their_family(platform: str, family: OS) -> None:
    assert OS.of(platform) is family


def test_place_calls_with_offers_the_softphones_that_can_dial_by_their_titles() -> None:
    dialing = {p.dialer: p.title for p in SOFTPHONES if p.dialer}
    assert set(dialing) == {d.value for d in Dialer} - {"automatic", "system"}
    assert [d.label for d in Dialer] == [
        "Automatic", "baresip", "Twinkle", "Linphone", "MicroSIP", "System tel: handler",
    ]  # fmt: skip
    assert all(Dialer(value).label == title for value, title in dialing.items())


def test_a_placed_call_is_followed_through_any_watched_log_of_its_softphone() -> None:
    reported = dict(REPORTED_BY)
    assert reported == {
        Dialer.MICROSIP: frozenset({"microsip"}),
        # linphonerc was missing: Linphone 3.x logs the calls it places there too.
        Dialer.LINPHONE: frozenset({"linphone", "linphone-legacy", "linphonerc"}),
        Dialer.BARESIP: frozenset({"baresip"}),  # not its mqtt capture: never watched
        Dialer.TWINKLE: frozenset({"twinkle"}),
    }


def test_every_documented_hook_recipe_belongs_to_one_softphone_of_the_table() -> None:
    documented = re.findall(r"<!-- recipe: (\S+) -->", DOC.read_text(encoding="utf-8"))
    listed = [hook for p in SOFTPHONES for hook in p.hooks]
    assert sorted(listed) == sorted(documented)
    assert all(hook.startswith(p.id + "-") for p in SOFTPHONES for hook in p.hooks)


def test_the_welcome_shows_a_recipe_for_each_softphone_with_hooks_titled_from_the_table() -> None:
    by_id = {p.id: p for p in SOFTPHONES}
    assert [r.softphone for r in RECIPES] == [
        "MicroSIP", "Zoiper 5", "Twinkle", "Jitsi Desktop", "baresip", "Linphone",
    ]  # fmt: skip
    assert {p.id for p in SOFTPHONES if p.hooks} == {r.softphone_id for r in RECIPES if r.lines}
    for recipe in RECIPES:
        phone = by_id[recipe.softphone_id]
        assert recipe.softphone == phone.title
        assert recipe.kinds == tuple(f.name for f in phone.formats if f.watchable)
        assert all(recipe_for_kind(kind) is recipe for kind in recipe.kinds)
