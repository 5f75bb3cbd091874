"""Headless Chromium for the browser tests: found once, required in CI, launched the same way everywhere.

A test module calls :func:`require_chromium` at import (it skips the module
where Chromium or its driver is missing, and fails it when
``SAHEL_KG_REQUIRE_BROWSER`` is set, as in CI), then :func:`headless_chromium`
in a fixture.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else shutil.which("chromedriver")
#: Flags that keep the browser from calling the network services it would otherwise call.
QUIET_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync")


def require_chromium() -> None:
    """Skip the calling test module without Chromium and its driver; fail it instead where CI requires them."""
    pytest.importorskip("selenium.webdriver", reason="pip install selenium (in the test extras)")
    if CHROMIUM and DRIVER:
        return
    if os.environ.get("SAHEL_KG_REQUIRE_BROWSER"):
        pytest.fail("Chromium or chromedriver is missing and SAHEL_KG_REQUIRE_BROWSER is set (as in CI): "
                    "scripts/install-test-deps.sh should have installed them", pytrace=False)
    pytest.skip("Chromium or chromedriver is missing: run scripts/install-test-deps.sh as root, "
                "or apt-get install chromium chromium-driver", allow_module_level=True)


def headless_chromium(profile: Path, *, width: int, height: int, flags: tuple[str, ...] = ()) -> Any:
    """A started headless Chromium (a selenium WebDriver) with its own profile folder and window size."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*QUIET_FLAGS, *flags, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver
