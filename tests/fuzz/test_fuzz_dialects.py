"""Every softphone dialect, fed its seed corpus and mutants of it: no exception escapes (they
report LogProblems instead), nothing hangs, and what comes out is a well-formed event."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.dialects import (
    baresip,
    cdr,
    end_of_call,
    jitsi,
    linphone,
    linphone_legacy,
    microsip,
    telephone_plist,
    twinkle,
    yate,
)
from tests.fuzz import invariants
from tests.fuzz.corpus import (
    Check,
    bounded,
    entries,
    fuzz_settings,
    mutants,
    mutated_text,
    replay_cases,
)
from tests.softphone_writers import encode_ini, render_call, render_ini

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
ZONES = (None, UTC, timezone(timedelta(hours=-14)), timezone(timedelta(hours=14)))


def check_microsip(data: bytes) -> None:
    text = microsip.decode_ini(data)
    assert isinstance(text, str)
    ini = microsip.parse_ini(text)
    for problem in ini.problems:
        invariants.one_line(problem.message)
    assert ini.calls_last_key is None or 0 <= ini.calls_last_key < 10**6
    tracker = microsip.CallLogTracker(news_window_s=None)
    tracker.file_missing(since=0.0)  # so every call in the read is news and becomes an event
    for update in (tracker.update(text, NOW.timestamp()), tracker.update(text, 0.0)):
        for problem in update.problems:
            invariants.one_line(problem.message)
        for change in update.changes:
            event = microsip.call_event(change, file="microsip.ini", read_ns=1)
            invariants.call_event(event, microsip.SOURCE)


def history(parse: object, source: str) -> Check:
    def check(data: bytes) -> None:
        for tz in ZONES:
            invariants.history_read(parse(data, tz), source)  # type: ignore[operator]

    return check


def _rows(data: bytes) -> list[object]:
    """Row corpora are JSON; a mutant that is no longer JSON becomes one row of one text."""
    try:
        rows = json.loads(data)
    except (ValueError, RecursionError):
        return [[data.decode("utf-8", "surrogateescape")]]
    return rows if isinstance(rows, list) else [rows]


def check_linphone_rows(data: bytes) -> None:
    parsed: list[linphone.LinphoneCall | linphone.LogProblem] = []
    for row in _rows(data):
        cells = row if isinstance(row, list) else [row]
        for ended in (False, True):
            got = linphone.parse_call_row(cells, ended_event=ended)
            assert isinstance(got, linphone.LinphoneCall | linphone.LogProblem)
            if isinstance(got, linphone.LogProblem):
                invariants.one_line(got.message)
            else:
                invariants.aware(got.started_at)
            parsed.append(got)
    tracker = linphone.CallTracker(news_window_s=None)
    tracker.file_missing(since=0.0)
    update = tracker.update(parsed, NOW.timestamp())
    for change in update.changes:
        event = linphone.call_event(change.call, change.state, file="linphone.db")
        invariants.call_event(event, linphone.SOURCE)


def check_linphone_legacy_rows(data: bytes) -> None:
    for row in _rows(data):
        mapping = row if isinstance(row, Mapping) else {"id": 1, "caller": str(row)}
        got = linphone_legacy.row_event(mapping)
        if isinstance(got, end_of_call.LogProblem):
            invariants.one_line(got.message)
        else:
            invariants.history_read(end_of_call.HistoryRead(events=(got,)), linphone_legacy.SOURCE)


def check_baresip_stream(data: bytes) -> None:
    decoder = baresip.NetstringDecoder()
    follower = baresip.CallFollower()
    for start in range(0, len(data) + 1, 97):  # as a socket hands it over, in pieces
        for frame in decoder.feed(data[start : start + 97]):
            if isinstance(frame, baresip.StreamProblem):
                invariants.one_line(frame.describe("ctrl_tcp"))
                continue
            assert len(frame.payload) <= baresip.MAX_FRAME_BYTES
            _follow(follower, frame.payload)


def _follow(follower: baresip.CallFollower, payload: bytes) -> None:
    event = baresip.parse_event(payload)
    if isinstance(event, str):
        invariants.one_line(event)
    elif event is not None:
        got = follower.follow(event, NOW, where="ctrl_tcp")
        if got is not None:
            invariants.call_event(got, baresip.SOURCE)


def check_baresip_payload(data: bytes) -> None:
    follower = baresip.CallFollower()
    _follow(follower, data)
    _follow(follower, data)


def check_end_of_call_values(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    for moment in (end_of_call.epoch(text), end_of_call.stamp(text, UTC)):
        if moment is not None:
            invariants.aware(moment)
    name, address = end_of_call.split_name_addr(text)
    assert isinstance(name, str) and isinstance(address, str)
    value = end_of_call.number_value(text)
    assert value is None or isinstance(value, float)
    lines, rest = end_of_call.complete_lines(text)
    assert "\n".join([*lines, rest]).replace("\r", "") == text.replace("\r", "")


CHECKS: dict[str, Check] = {
    "microsip": check_microsip,
    "linphone": check_linphone_rows,
    "linphone_legacy": check_linphone_legacy_rows,
    "linphonerc": history(linphone_legacy.rc_events_from_bytes, linphone_legacy.RC_SOURCE),
    "twinkle": history(twinkle.events_from_bytes, twinkle.SOURCE),
    "jitsi": history(jitsi.events_from_bytes, jitsi.SOURCE),
    "cdr_asterisk": history(cdr.asterisk_events, cdr.ASTERISK),
    "cdr_freeswitch": history(cdr.freeswitch_events, cdr.FREESWITCH),
    "yate": history(yate.events_from_bytes, yate.SOURCE),
    "telephone_plist": history(telephone_plist.events_from_bytes, telephone_plist.SOURCE),
    "baresip_stream": check_baresip_stream,
    "baresip_payload": check_baresip_payload,
    "end_of_call": check_end_of_call_values,
}
# Sniffers look at a file's first bytes to pick its dialect: they must never raise either.
SNIFFERS = (
    cdr.asterisk_sniff, cdr.freeswitch_sniff, jitsi.sniff, linphone_legacy.sniff,
    linphone_legacy.rc_sniff, telephone_plist.sniff, twinkle.sniff, yate.sniff,
)  # fmt: skip


def run(parser: str, data: bytes) -> None:
    with bounded(parser):
        CHECKS[parser](data)
        for sniff in SNIFFERS:
            assert sniff(data[:4096]) in (True, False)


@pytest.mark.parametrize(("parser", "data"), replay_cases(list(CHECKS)))
def test_every_corpus_entry_reads_cleanly(parser: str, data: bytes) -> None:
    run(parser, data)


@pytest.mark.parametrize("parser", list(CHECKS))
@fuzz_settings(200)
@given(draw=st.data())
def test_mutated_corpus_entries_read_cleanly(parser: str, draw: st.DataObject) -> None:
    run(parser, draw.draw(mutants(entries(parser)), label="input"))


# A name or number with none of the delimiters a format reserves reads back exactly as written.
_FIELD_TEXT = st.text(
    st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"], exclude_characters=";\u0085"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s != "null")


@fuzz_settings(150)
@given(name=_FIELD_TEXT, number=mutated_text(entries("callerid_text")))
def test_microsip_names_round_trip_whatever_the_script(name: str, number: str) -> None:
    # MicroSIP writes C strings: no NUL or other control character is ever in a field.
    number = "".join(c for c in number.split(";")[0] if c.isprintable()).strip()
    if not number or any(0xD800 <= ord(c) <= 0xDFFF for c in number):
        number = "+14155550142"
    value = render_call(number, name, microsip.CallType.MISSED, 1773151331)
    text = microsip.decode_ini(encode_ini(render_ini({}, {3: value})))
    entry = microsip.parse_ini(text).calls[3]
    assert (entry.name, entry.number) == (name, number)
