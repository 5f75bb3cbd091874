"""The codes the ACLED and GED files need for a country, looked up by the country's GeoNames IRI.

Only the countries the dataset names are listed; a country not here leaves
the coded columns empty. Codes: ISO 3166-1 numeric and alpha-3; ACLED's
region names (ACLED codebook, "region"); UCDP's ``country_id``, the
Gleditsch–Ward state number (UCDP GED codebook), and GED's ``region``.

>>> COUNTRIES["https://sws.geonames.org/2453866/"].iso_numeric
466
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CountryCodes:
    """One country's codes in the two datasets' schemes."""

    name: str  # as ACLED and UCDP spell it
    iso_numeric: int
    iso_alpha3: str
    acled_region: str
    gw_number: int
    ged_region: str


COUNTRIES: dict[str, CountryCodes] = {
    "https://sws.geonames.org/2453866/": CountryCodes("Mali", 466, "MLI", "Western Africa", 432, "Africa"),
    "https://sws.geonames.org/2361809/": CountryCodes("Burkina Faso", 854, "BFA", "Western Africa", 439, "Africa"),
    "https://sws.geonames.org/2440476/": CountryCodes("Niger", 562, "NER", "Western Africa", 436, "Africa"),
    "https://sws.geonames.org/2589581/": CountryCodes("Algeria", 12, "DZA", "Northern Africa", 615, "Africa"),
}
