"""Settings fit any screen: at 2× on a 1600×1000 screen (800×500 to Qt) Save and Cancel are on
the screen and a long page scrolls instead of pushing them off it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PYTHON, REPO, private_x_server, python_env

pytestmark = pytest.mark.xvfb

SHOTS = REPO / "artifacts" / "screenshots"


def show(
    page: str, out: Path, scale: str, *extra: str, screen: str = "1600x1000x24"
) -> dict[str, object]:
    with private_x_server(screen) as display:
        result = subprocess.run(
            [PYTHON, "-m", "tests.qt.show_settings_demo", str(out), page, *extra], cwd=REPO,
            capture_output=True, text=True, timeout=60,
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR=scale),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def inside(rect: object, area: object) -> bool:
    assert isinstance(rect, list) and isinstance(area, list)
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


@pytest.mark.parametrize(("scale", "page"), [("2", "Openers"), ("1", "General")])
def test_save_and_cancel_stay_on_a_small_screen_and_long_pages_scroll(
    scale: str, page: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"settings_{page.lower()}_{scale}x.png"
    report = show(page, shot, scale)
    assert report["scale"] == float(scale)
    assert report["page"] == page
    assert report["buttons_visible"] is True
    assert inside(report["save"], report["available"]), report
    assert inside(report["cancel"], report["available"]), report
    # What does not fit scrolls: nothing is cut off (six opener templates at 2x fit once
    # their boxes are as tall as their text; they scrolled when each box was taller).
    assert report["fits"] or report["scrolls"], report
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("page", ["General", "Softphones", "Openers"])
def test_no_page_scrolls_sideways_on_a_small_laptop_at_2x(page: str, tmp_path: Path) -> None:
    """1024×600 at 2× leaves 512×300 to Qt: long country and softphone names and a form's
    labels give way (labels above their fields) instead of a sideways scroll bar."""
    report = show(page, tmp_path / "shot.png", "2", screen="1024x600x24")
    assert report["available"] == [0, 0, 512, 300]
    assert report["sideways"] is False, report
    assert inside(report["save"], report["available"]), report


@pytest.mark.parametrize("scale", ["1", "2"])
def test_the_team_directories_page_with_a_synced_and_a_failing_directory(
    tmp_path: Path, scale: str
) -> None:
    """Radicale on loopback: "Sales" synced and up, "Partners" synced once, then its server
    stopped; Sync now on Partners says so in words and keeps its contacts."""
    from desktop.adapters.directories.directory_form import DirectoryForm
    from desktop.adapters.directories.managing import add_directory
    from desktop.adapters.secrets import SecretStore
    from desktop.adapters.store import Store
    from desktop.core.numbers import NumberPolicy
    from tests.adapters.carddav_servers import Radicale, vcard

    database = tmp_path / "data" / "callercard.db"
    up = Radicale(tmp_path / "up").start()
    down = Radicale(tmp_path / "down").start()
    try:
        cards = [vcard(f"c{i}", f"Contact {i}", f"TEL:+1 415 555 01{i:02d}") for i in range(12)]
        sales = up.make_book("/team/sales/", cards)
        partners = down.make_book("/team/partners/", cards[:4])
        store = Store.open(database)
        for name, url in (("Sales", sales), ("Partners", partners)):
            form = DirectoryForm("carddav", name, url)
            add_directory(store, form, NumberPolicy("US"), SecretStore.open)
        store.close()
        down.stop()
        shot = SHOTS / f"settings_team_directories_{scale}x.png"
        SHOTS.mkdir(parents=True, exist_ok=True)
        report = show("Team directories", shot, scale, str(database), "Partners")
    finally:
        up.stop()
        down.stop()
    assert report["page"] == "Team directories"
    assert inside(report["save"], report["available"]), report
    assert report["status"] == (
        f"⚠ Partners: http://127.0.0.1:{down.port}/team/partners/ refused the connection: "
        "is the server running? The contacts copied so far stay as they were."
    )
