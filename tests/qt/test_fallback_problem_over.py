"""The window shown where there is no system tray keeps the latest problem on show; once the
folder of a watched call log is back and watched again, its "does not exist" goes (it stayed,
so a rep could not tell a working CallerCard from a broken one)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.qt.in_process_app import app_in_process


def test_the_no_tray_window_drops_a_missing_folder_once_it_is_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from tests.softphone_writers import encode_ini, render_ini

    ini = tmp_path / "MicroSIP" / "microsip.ini"
    other = tmp_path / "Linphone" / "linphone.db"
    with app_in_process(tmp_path, "--watch", f"microsip:{ini}") as app:
        status = app.tray.fallback.status
        app.start(None)
        assert not app.tray.has_tray, "offscreen has no tray host"
        assert f"{ini.parent} does not exist" in status.text()

        ini.parent.mkdir()
        ini.write_bytes(encode_ini(render_ini({"callsLastKey": "0"}, {})))
        qtbot.waitUntil(lambda: status.text() == "")

        # Another file's problem stays up when this one's is over.
        problem = f"{other}-journal: folder {other.parent} does not exist; watching {tmp_path}"
        app.report_problem(problem)
        app.tray.problem_over(f"{ini}: ")
        assert status.text().endswith(problem)


PROBLEM = (
    "/home/rep/.config/MicroSIP/microsip.ini: folder /home/rep/.config/MicroSIP does not "
    "exist; watching /home/rep/.config until it is created (is MicroSIP installed?)"
)


def test_the_no_tray_window_gives_back_the_room_a_problem_line_took(qtbot: QtBot) -> None:
    """It grew for the wrapped problem and kept that height once the line was gone: an empty
    band under the buttons."""
    from desktop.qt.icons import app_icon
    from desktop.qt.tray import TrayMenu

    menu = TrayMenu(app_icon(), False)
    window = menu.fallback
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    natural = window.height()

    window.set_status(PROBLEM)
    grown = window.height()
    assert grown > natural, "the wrapped problem is shown whole"
    window.set_status(PROBLEM + " " + PROBLEM)  # a longer one grows it again
    assert window.height() > grown
    window.clear_status("/home/rep/.config/MicroSIP/microsip.ini: ")
    assert window.height() == natural

    # A window the person made taller keeps the height they chose.
    window.set_status(PROBLEM)
    window.resize(window.width(), window.height() + 80)
    chosen = window.height()
    window.clear_status("/home/rep/.config/MicroSIP/microsip.ini: ")
    assert window.height() == chosen
    menu.hide()
