"""The routes: /sparql, /query, every entity IRI (entities), discovery (VoID, dumps, sitemap) and
the site's own pages.
"""
