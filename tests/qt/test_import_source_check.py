"""Modules imported after PySide6 are told apart as PySide6 itself does (whether their source
mentions it, which decides where `from __feature__ import ...` applies), and their source no
longer stays in linecache for the rest of the session (the tray app's memory)."""

from __future__ import annotations

import linecache
import sys
from pathlib import Path

import PySide6.QtCore  # noqa: F401  PySide6's import hook and its check exist from here on
import pytest

from desktop.qt.import_source_check import mentions_pyside, read_sources_without_linecache


def test_modules_imported_after_pyside_are_classified_as_before_and_leave_no_source_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feature = sys.modules["shibokensupport.feature"]
    monkeypatch.setattr(feature, "_mod_uses_pyside", feature._mod_uses_pyside)  # restored after
    (tmp_path / "cc_uses_qt.py").write_text(
        "from PySide6.QtCore import QObject\n\nOWNER = QObject()\n", encoding="utf-8"
    )
    (tmp_path / "cc_plain.py").write_text("ANSWER = 42\n" * 50, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("cc_uses_qt", "cc_plain"):
        monkeypatch.delitem(sys.modules, name, raising=False)
        monkeypatch.delitem(feature.pyside_feature_dict, name, raising=False)
    linecache.clearcache()

    assert read_sources_without_linecache()
    __import__("cc_uses_qt")  # through builtins.__import__, where PySide6's hook sits
    __import__("cc_plain")

    assert feature.pyside_feature_dict["cc_uses_qt"] == 0  # a PySide6 module, no features
    assert feature.pyside_feature_dict["cc_plain"] == -1  # not one
    cached = {Path(name).name for name in linecache.cache}
    assert not cached & {"cc_uses_qt.py", "cc_plain.py"}


def test_modules_without_source_do_not_mention_pyside() -> None:
    assert not mentions_pyside(sys)  # built in
    assert not mentions_pyside(sys.modules["PySide6.QtCore"])  # an extension module
