"""The pages in a real browser: headless Chromium against a real server.

Skips when Chromium or its driver is missing; ``scripts/install-test-deps.sh``
installs them (Debian: ``apt-get install chromium chromium-driver``).
Screenshots go to a temporary folder, named in the test output.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.browsers import headless_chromium, require_chromium
from support.servers import sahel_server

pytestmark = pytest.mark.browser

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def base_url(store_pointer: Path) -> Iterator[str]:
    """A uvicorn server over the test store on a free loopback port."""
    with sahel_server(store_pointer, ready_path="/") as (base, _):
        yield base


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go."""
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Chromium, isolated from the network services it would otherwise call."""
    driver = headless_chromium(tmp_path_factory.mktemp("chromium-profile"), width=1280, height=1600)
    yield driver
    driver.quit()


def _size(element: object) -> tuple[int, int]:
    size = element.size  # type: ignore[attr-defined]
    return int(size["width"]), int(size["height"])


def test_incident_page_renders(browser: object, base_url: str, shots: Path) -> None:
    driver = browser
    driver.get(base_url + "/id/incident/aghazar-killings")  # type: ignore[attr-defined]
    wait = WebDriverWait(driver, 15)
    table = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.claims")))
    assert min(_size(table)) > 0
    chart = driver.find_element(By.CSS_SELECTOR, "figure.range-chart svg")  # type: ignore[attr-defined]
    assert min(_size(chart)) > 50
    map_box = driver.find_element(By.CSS_SELECTOR, "div.map")  # type: ignore[attr-defined]
    assert min(_size(map_box)) > 0 and map_box.is_displayed()
    row = driver.find_element(By.ID, "claim-ko-aghazar-chief-spokesman-46-executed")  # type: ignore[attr-defined]
    assert "46" in row.text and row.is_displayed()
    assert "at least 60" in table.text and "disclaims knowledge" in table.text.lower()
    driver.save_screenshot(str(shots / "incident-desktop.png"))  # type: ignore[attr-defined]
    driver.set_window_size(390, 1800)  # type: ignore[attr-defined]
    driver.refresh()  # type: ignore[attr-defined]
    row = WebDriverWait(driver, 15).until(
        ec.presence_of_element_located((By.ID, "claim-ko-aghazar-observatory-at-least-60")))
    assert _size(row)[0] <= 390  # the comparison reflows into cards on a phone
    driver.save_screenshot(str(shots / "incident-phone.png"))  # type: ignore[attr-defined]
    driver.set_window_size(1280, 1600)  # type: ignore[attr-defined]


def test_home_and_place(browser: object, base_url: str, shots: Path) -> None:
    driver = browser
    driver.get(base_url + "/")  # type: ignore[attr-defined]
    assert min(_size(driver.find_element(By.CSS_SELECTOR, "figure.timeline svg"))) > 50  # type: ignore[attr-defined]
    driver.save_screenshot(str(shots / "home.png"))  # type: ignore[attr-defined]
    driver.get(base_url + "/id/place/kossiba")  # type: ignore[attr-defined]
    box = driver.find_element(By.CSS_SELECTOR, "div.map")  # type: ignore[attr-defined]
    assert "16.8831" in box.text or box.get_attribute("data-lat") == "16.8831"
    driver.save_screenshot(str(shots / "place.png"))  # type: ignore[attr-defined]


def test_query_from_example(browser: object, base_url: str, shots: Path) -> None:
    driver = browser
    driver.get(base_url + "/query")  # type: ignore[attr-defined]
    # an example that answers on any data (most name places of the curated data, absent from the fixture graph)
    driver.find_element(By.CSS_SELECTOR, ".examples a[data-slug=who-says-what-per-incident]").click()  # type: ignore[attr-defined]
    wait = WebDriverWait(driver, 20)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results")))
    area = driver.find_element(By.ID, "query")  # type: ignore[attr-defined]
    assert "SELECT" in area.get_attribute("value")
    page = driver.find_element(By.TAG_NAME, "html")  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]").click()  # type: ignore[attr-defined]
    wait.until(ec.staleness_of(page))  # the results page replaced the example's, whose table may match too
    table = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results table")))
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) > 0
    driver.save_screenshot(str(shots / "query.png"))  # type: ignore[attr-defined]
