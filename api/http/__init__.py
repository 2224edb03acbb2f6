"""The HTTP API: ``create_app(container)`` builds the FastAPI application."""

from api.http.app import create_app

__all__ = ["create_app"]
