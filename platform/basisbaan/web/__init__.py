"""Server-rendered pages (the web issue fills this)."""
