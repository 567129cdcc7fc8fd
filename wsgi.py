"""gunicorn entry point: ``gunicorn wsgi:app`` (settings from ``KOMMENTARE_*`` environment variables)."""

from app import create_app

app = create_app()
