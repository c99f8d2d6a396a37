"""Report engine; formats come from the municipality plugins and the core defaults."""
