"""The suite's own guard (tests/conftest.py, _no_window_left_behind): a test that leaves a
window alive fails, naming it; one that closes its windows passes; a module whose fixture
leaves one fails too (_no_window_left_by_a_module). About 60 windows were alive at the end of
the Qt tests before it, each left by a test that passed."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from tests.conftest import PYTHON, REPO, python_env

TESTS = textwrap.dedent(
    """
    from PySide6.QtWidgets import QWidget

    KEPT = []


    def test_a_window_closed_with_the_test(qtbot):
        window = QWidget()
        qtbot.addWidget(window)
        window.show()


    def test_a_window_left_alive(qtbot):
        window = QWidget()
        window.setObjectName("leftBehind")
        KEPT.append(window)  # as a connection to a lambda, or a stack never let go, keeps it
    """
)


def run_with_the_suites_guard(tests: Path, source: str) -> tuple[int, str]:
    """`source` as a test module run by pytest with the suite's conftest: exit code, output."""
    tests.write_text(source, encoding="utf-8")
    run = subprocess.run(
        [PYTHON, "-m", "pytest", "-c", str(REPO / "pyproject.toml"), "-p", "tests.conftest",
         "-p", "no:cacheprovider", "-n", "0", "-q", str(tests)],
        cwd=REPO, env=python_env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return run.returncode, run.stdout + run.stderr


def test_a_test_that_leaves_a_window_alive_fails_and_names_it(tmp_path: Path) -> None:
    code, said = run_with_the_suites_guard(tmp_path / "test_windows.py", TESTS)
    assert code == 1, said
    assert "2 passed, 1 error" in said, said  # the leaking test passed; its teardown failed
    assert "ERROR at teardown of test_a_window_left_alive" in said, said
    assert "the test left 1 window(s) alive: QWidget('leftBehind')" in said, said


MODULE_FIXTURE = textwrap.dedent(
    """
    import pytest
    from PySide6.QtWidgets import QApplication, QWidget


    @pytest.fixture(scope="module")
    def shared_window():
        app = QApplication.instance() or QApplication([])
        window = QWidget()
        window.setObjectName("sharedByTheModule")
        yield window  # never closed: the module's tests all pass, the module does not


    def test_one(shared_window):
        assert shared_window.objectName() == "sharedByTheModule"


    def test_two(shared_window):
        assert not shared_window.isVisible()
    """
)


def test_a_module_fixture_that_leaves_a_window_alive_fails_the_module(tmp_path: Path) -> None:
    """A window made by a module-scoped fixture exists before each test's own check looks
    and outlives it; the module-level check is what sees it."""
    code, said = run_with_the_suites_guard(tmp_path / "test_module_window.py", MODULE_FIXTURE)
    assert code == 1, said
    assert "2 passed, 1 error" in said, said
    assert "the test module left 1 window(s) alive: QWidget('sharedByTheModule')" in said, said
