# PCN Hub's image: gunicorn on $PORT (8000); compose.yaml runs the import worker from it too.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/app/.venv/bin:$PATH \
    HOST=0.0.0.0 \
    PORT=8000 \
    PCNHUB_VAR_DIR=/app/var

# make and npm build the front-end assets as `make assets` does for developers.
RUN apt-get update \
    && apt-get install -y --no-install-recommends make nodejs npm \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.8 \
    && useradd --system --uid 10001 --home-dir /app pcnhub

WORKDIR /app
# The locked packages first, so a change to the code alone reuses this layer.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY package.json package-lock.json Makefile ./
RUN make assets
COPY . .
# DEBUG=1 only lets the settings load without the runtime keys; the files collected are the same.
RUN uv sync --frozen --no-dev \
    && DEBUG=1 pcnhub collectstatic --no-input --verbosity 0 \
    && mkdir -p /app/var && chown pcnhub /app/var

USER pcnhub
EXPOSE 8000
# /health/ answers over plain HTTP; the Host header must be one of ALLOWED_HOSTS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD python -c "import os, urllib.request as r; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); r.urlopen(r.Request(f\"http://127.0.0.1:{os.environ['PORT']}/health/\", headers={'Host': host}), timeout=4)"
CMD ["gunicorn", "--config", "pcnhub/gunicorn.conf.py"]
