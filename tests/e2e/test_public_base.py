"""Links follow the address the server listens on, unless a public base URL is set."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from bs4 import BeautifulSoup

from support.servers import free_port

pytestmark = pytest.mark.real_server


@pytest.fixture(scope="module")
def served(store_pointer: Path, fixture_root: Path) -> Iterator[str]:
    """``sahel-kg serve --port P`` as a user starts it, with no public base URL set.

    Its root is the one the session's store was built from, so that the build
    ``serve`` runs first finds it up to date (with the checkout as root it would
    rebuild the shared store from the curated data under the other tests).
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAHEL_KG_")}
    env.update(SAHEL_KG_ROOT=str(fixture_root), SAHEL_KG_STORE=str(store_pointer))
    command = [str(Path(sys.executable).with_name("sahel-kg")), "serve", "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/-/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("sahel-kg serve did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(15)


def test_every_kind_of_link_follows_the_port(served: str) -> None:
    port = served.rsplit(":", 1)[1]
    expected = f"http://localhost:{port}/"
    home = BeautifulSoup(httpx.get(served + "/").text, "html.parser")
    assert home.select_one('link[rel="canonical"]')["href"].startswith(expected)  # type: ignore[index]
    robots = httpx.get(served + "/robots.txt").text
    assert f"Sitemap: {expected}sitemap.xml" in robots
    sitemap = ElementTree.fromstring(httpx.get(served + "/sitemap.xml").content)
    urls = [loc.text or "" for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert urls and all(u.startswith(expected) for u in urls)
    void = httpx.get(served + "/.well-known/void.ttl").text
    assert expected in void and "localhost:8000" not in void
    entity = next(u for u in urls if "/id/" in u)
    page = httpx.get(entity.replace(expected, served + "/"), headers={"accept": "text/html"})
    assert page.status_code == 200
    assert expected in page.text and "localhost:8000" not in page.text
