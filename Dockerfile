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
    NEWSBOT_FEEDS=/app/feeds.yaml \
    NEWSBOT_METRICS_PORT=9464 \
    NEWSBOT_METRICS_HOST=0.0.0.0
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin newsbot \
 && mkdir -p /data /app \
 && chown newsbot:newsbot /data /app
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
COPY --chown=newsbot:newsbot feeds.yaml /app/feeds.yaml
USER newsbot
WORKDIR /app
VOLUME ["/data"]
EXPOSE 9464
# /healthz answers 200 while the database answers and polling is alive (503 otherwise).
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:9464/healthz', timeout=8).status != 200)"]
STOPSIGNAL SIGTERM
CMD ["newsbot", "run"]
