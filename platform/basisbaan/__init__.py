"""Basisbaan platform core: the app factory and the hook marker for municipality plugins."""

from basisbaan.app import create_app
from basisbaan.plugins import hookimpl

__all__ = ["create_app", "hookimpl"]
