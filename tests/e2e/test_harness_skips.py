"""Where the real-softphone tests cannot run, they skip and say why; they never pass empty."""

from __future__ import annotations

import pytest

from tests.e2e import harness


def test_without_root_the_namespace_skips_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    # The one thing this machine cannot be made to be: a user without root.
    monkeypatch.setattr(harness.os, "geteuid", lambda: 1000)
    with (
        pytest.raises(pytest.skip.Exception, match=r"needs root.*ip netns add"),
        harness.private_namespace(),
    ):
        pytest.fail("a namespace was handed out without root")


def test_a_missing_program_skips_naming_its_debian_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.skip.Exception, match=r"baresip.*baresip-core.*e2e_prereqs"):
        harness.require("baresip")
