"""The two-backend matrix (a pytest plugin, loaded by ``tests/conftest.py``).

In the test modules named in :data:`BOTH_BACKENDS`, every test that uses the
``app`` or ``client`` fixture (through ``backend_kind``) runs twice: over the
embedded store, and over a real ``oxigraph serve`` process (``remote``).
Elsewhere those fixtures are embedded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: Test modules (file names without ``.py``, wherever they are under tests/) whose app/client tests run over both backends.
BOTH_BACKENDS = {"test_sparql_protocol", "test_w3c_protocol", "test_query_page", "test_pages", "test_derived_pages",
                 "test_dereferencing", "test_discovery", "test_ssrf", "test_jsonld",
                 "test_follow_your_nose", "test_canonical_paths", "test_link_crawl",
                 "test_keywords_never_change_answers", "test_exports"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the app/client tests of :data:`BOTH_BACKENDS` over both backends."""
    if "backend_kind" in metafunc.fixturenames and Path(str(metafunc.module.__file__)).stem in BOTH_BACKENDS:
        metafunc.parametrize("backend_kind", ["embedded", "remote"], indirect=True, scope="session")
