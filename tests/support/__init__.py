"""What the tests share that is not a fixture: servers, apps, projects, examples, the lanes.

``tests/`` is on the import path (``pythonpath`` in ``pyproject.toml``), so a
test imports these as ``from support.servers import sahel_server``. The
fixtures themselves are in ``tests/conftest.py``; :mod:`support.lanes` and
:mod:`support.backends` are pytest plugins that it loads.

- :mod:`support.project_data`: the checkout (``ROOT``), its sources, the curated data in a store;
- :mod:`support.fixture_project`: the fixture graph of ``tests/fixtures/graph/`` as a project root;
- :mod:`support.curated_projects`: the checkout and copies of it with a generated new source;
- :mod:`support.curation_project`, :mod:`support.shape_examples`: a small valid project and the
  shapes' passing and failing examples;
- :mod:`support.servers`: our server and ``oxigraph serve`` as processes on free loopback ports;
- :mod:`support.apps`: in-process clients of apps over a given store, threads or worker processes;
- :mod:`support.hardening`: runaway queries, a canary HTTP server, process checks;
- :mod:`support.query_strategies`: hypothesis strategies that write SPARQL with SERVICE spelt every way;
- :mod:`support.lanes`, :mod:`support.backends`: the ``make test-fast`` report, the two-backend matrix.
"""
