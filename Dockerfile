# newsbot: build a wheel in one stage, run it as a non-root user in a slim second stage.
#   docker build -t newsbot .
#   docker run -d --name newsbot -v newsbot-data:/data \
#     -e TELEGRAM_BOT_TOKEN=... -e DISCORD_BOT_TOKEN=... newsbot
# The database lives in the /data volume; mount your own feeds file at /app/feeds.yaml.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN pip install --no-cache-dir --upgrade pip build \
 && python -m build --wheel --outdir /dist

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSBOT_DB=/data/newsbot.db \
    NEWSBOT_FEEDS=/app/feeds.yaml
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin newsbot \
 && mkdir -p /data /app \
 && chown newsbot:newsbot /data /app
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
COPY --chown=newsbot:newsbot feeds.yaml /app/feeds.yaml
USER newsbot
WORKDIR /app
VOLUME ["/data"]
# Healthy when the database opens and answers (the process keeps it in WAL mode).
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
  CMD ["newsbot", "stats", "--db", "/data/newsbot.db"]
STOPSIGNAL SIGTERM
CMD ["newsbot", "run"]
