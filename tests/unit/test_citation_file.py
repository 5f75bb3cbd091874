"""CITATION.cff: valid Citation File Format 1.2.0, and its version is the one the code reads."""

from __future__ import annotations

import tomllib
from importlib.metadata import version as installed_version

import pytest
import yaml
from cffconvert import Citation

from sahel_kg.dataset import DATASET_TITLE, DATASET_VERSION
from support.project_data import ROOT

CFF = ROOT / "CITATION.cff"


def test_citation_file_is_valid_cff_1_2_0() -> None:
    citation = Citation(CFF.read_text(encoding="utf-8"))
    assert citation.cffobj["cff-version"] == "1.2.0"
    citation.validate()  # raises on any schema violation


def test_the_validator_refuses_a_file_without_authors() -> None:
    """The check above can fail: a file missing a required key is refused."""
    broken = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    del broken["authors"]
    with pytest.raises(Exception, match="authors"):
        Citation(yaml.safe_dump(broken)).validate()


def test_citation_version_and_title_are_the_datasets() -> None:
    cff = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert str(cff["version"]) == DATASET_VERSION
    assert cff["title"] == DATASET_TITLE


def test_package_version_is_read_from_the_dataset_module() -> None:
    """pyproject.toml does not repeat the version: setuptools reads DATASET_VERSION."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sahel_kg.dataset.DATASET_VERSION"}
    assert installed_version("sahel-harm-graph") == DATASET_VERSION
