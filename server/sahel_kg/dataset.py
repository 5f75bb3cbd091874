"""The dataset's name and version: the one place they are written.

``pyproject.toml`` reads the package version from :data:`DATASET_VERSION`
(``[tool.setuptools.dynamic]``), ``CITATION.cff`` must carry the same one (a
test compares them), and VoID, the releases and every page's "How to cite"
quote it. Bump it, and CITATION.cff's ``version``, before ``sahel-kg release``.

>>> DATASET_VERSION.count(".")
2
"""

from __future__ import annotations

#: The title the dataset is cited by.
DATASET_TITLE = "Sahel Harm Graph"
#: The version of the data and software in this checkout (Semantic Versioning 2.0.0).
DATASET_VERSION = "0.1.0"
#: One paragraph saying what the dataset holds (VoID, DCAT, CITATION.cff's abstract).
DATASET_DESCRIPTION = (
    "Alleged harm to civilians in the Sahel: incidents, actors, places, and the claims "
    "different parties make about each incident, every one attributed to who said it "
    "and where it was published."
)
