"""The HTTP API: ``api.http.app.create_app(container)`` builds the FastAPI application.

The package imports nothing itself: modules that need only a name from here (``log_redaction``,
``metrics``, ``georeport``) should not pay for building every router.
"""
