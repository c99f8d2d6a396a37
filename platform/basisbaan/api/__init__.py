"""The JSON API (flask-smorest): one blueprint per resource under /api/v1/t/<tenant>/."""
