"""The ``?lang=`` parameter read as the header is: by its primary subtag, as a reader or a link may write it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sahel_kg.languages import negotiate


@pytest.mark.parametrize("asked", ["fr", "FR", "fr-FR", "fr_ML", " fr-ca "])
def test_a_french_tag_in_lang_asks_for_french(asked: str) -> None:
    assert negotiate(asked, "en").lang == "fr" and negotiate(asked, "en").explicit


@pytest.mark.parametrize("asked", ["xx", "", "frx", "-fr"])
def test_a_language_we_lack_falls_back_to_the_header(asked: str) -> None:
    assert negotiate(asked, "fr").lang == "fr" and not negotiate(asked, "fr").explicit
    assert negotiate(asked, None).lang == "en"


def test_a_page_asked_in_fr_fr_is_french_and_its_links_keep_french(client: TestClient) -> None:
    page = client.get("/browse", params={"lang": "fr-FR"}, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert '<html lang="fr"' in page.text and 'href="/query?lang=fr"' in page.text
