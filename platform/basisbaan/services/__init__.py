"""Use cases: plain functions taking the session, tenant and hooks explicitly; no Flask imports."""
