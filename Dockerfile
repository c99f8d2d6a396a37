# Production image: gunicorn as a non-root user, configured through the environment
# (DATABASE_URL, SECRET_KEY, BASISBAAN_*). Run migrations with `basisbaan db upgrade -x owner_url=...`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BASISBAAN_ENV=production \
    BASISBAAN_INSTANCE_PATH=/app/instance \
    BASISBAAN_MIGRATIONS_DIR=/app/migrations

WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY platform ./platform
COPY plugins ./plugins
COPY migrations ./migrations

RUN pip install -c requirements.lock . \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin basisbaan \
 && mkdir -p /app/instance && chown basisbaan:basisbaan /app/instance

USER basisbaan
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "basisbaan:create_app()"]
