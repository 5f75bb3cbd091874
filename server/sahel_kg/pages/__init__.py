"""Human-readable pages as HTML strings: resources read from the backend (resources), plain view
objects per page kind (views, ontology, lists, results), charts, example queries, and the one Jinja
environment (render). Links come from a Links object; nothing here knows HTTP.
"""
