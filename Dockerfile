# newsbot: build a wheel in one stage, run it as a non-root user in a slim second stage.
#   docker build -t newsbot .
#   docker run -d --name newsbot -v newsbot-data:/data \
#     -e TELEGRAM_BOT_TOKEN=... -e DISCORD_BOT_TOKEN=... newsbot
# The database lives in the /data volume; mount your own feeds file at /app/feeds.yaml.

# The base image by digest (python:3.11-slim), so a rebuild gets the same image; bump it
# deliberately to take the base image's security patches.
ARG PYTHON_IMAGE=python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN pip install --no-cache-dir --upgrade pip build \
 && python -m build --wheel --outdir /dist

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="newsbot" \
      org.opencontainers.image.description="Telegram and Discord news alerts with outlet and denial context" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="0.1.0"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSBOT_DB=/data/newsbot.db \
    NEWSBOT_FEEDS=/app/feeds.yaml \
    NEWSBOT_METRICS_PORT=9464 \
    NEWSBOT_METRICS_HOST=0.0.0.0
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin newsbot \
 && mkdir -p /data /app \
 && chown newsbot:newsbot /data /app
COPY requirements/runtime.lock /tmp/runtime.lock
COPY --from=build /dist/*.whl /tmp/
# dependencies at the locked versions and hashes, then newsbot itself without resolving again
RUN pip install --no-cache-dir --require-hashes -r /tmp/runtime.lock \
 && pip install --no-cache-dir --no-deps /tmp/*.whl \
 && rm /tmp/*.whl /tmp/runtime.lock
# the shipped feeds file is configuration, read-only to the bot (mount your own over it)
COPY --chmod=0444 feeds.yaml /app/feeds.yaml
USER newsbot
WORKDIR /app
VOLUME ["/data"]
EXPOSE 9464
# /healthz answers 200 while the database answers and polling is alive (503 otherwise).
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:9464/healthz', timeout=8).status != 200)"]
STOPSIGNAL SIGTERM
CMD ["newsbot", "run"]
