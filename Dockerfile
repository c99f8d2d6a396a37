# Production image: gunicorn as a non-root user, configured through the environment
# (DATABASE_URL, SECRET_KEY, BASISBAAN_ENCRYPTION_KEYS, BASISBAAN_*).
# Migrate with: docker run ... basisbaan db upgrade -x owner_url=postgresql://owner@db/basisbaan

# Front-end assets from npm (NL Design System CSS, Redoc): only the runtime dependencies.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BASISBAAN_ENV=production \
    BASISBAAN_INSTANCE_PATH=/app/instance \
    BASISBAAN_MIGRATIONS_DIR=/app/migrations \
    BASISBAAN_NODE_MODULES=/app/node_modules

# WeasyPrint (PDF reports) needs Pango, HarfBuzz and a font from the system.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY platform ./platform
COPY plugins ./plugins
COPY migrations ./migrations
COPY gunicorn.conf.py ./
COPY --from=assets /build/node_modules/@utrecht ./node_modules/@utrecht
COPY --from=assets /build/node_modules/redoc/bundles ./node_modules/redoc/bundles

RUN pip install -c requirements.lock . \
 && pybabel compile -d "$(python -c 'import basisbaan, os; print(os.path.dirname(basisbaan.__file__))')/translations" \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin basisbaan \
 && mkdir -p /app/instance && chown basisbaan:basisbaan /app/instance

USER basisbaan
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3", "basisbaan:create_app()"]
