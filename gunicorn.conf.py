"""Gunicorn settings for `make run` and the Docker image."""

workers = 2
accesslog = "-"
# The path without the query string: a search by BSN (?q=...) must never land in a log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
