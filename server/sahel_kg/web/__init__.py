"""The HTTP layer, the only package importing FastAPI or Starlette (besides the app factory):
dependencies, the edge middleware, limits, canonical paths, headers, observability, the SPARQL request
reader, and the routes.
"""
