# tunix-rt: the API service with the built dashboard, one port.
# Build: docker build -t tunix-rt .   (docker-compose.yml builds and runs it with PostgreSQL)

FROM node:20-bookworm-slim AS dashboard
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
COPY backend/ /src/backend/
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    TUNIX_RT_FRONTEND_DIST=/app/frontend/dist \
    TUNIX_RT_DATASETS_DIR=/data/datasets
WORKDIR /app
COPY backend/ /app/backend/
RUN pip install --no-cache-dir /app/backend \
    && useradd --create-home --uid 10001 tunix \
    && mkdir -p /data/datasets && chown -R tunix /data
COPY --from=dashboard /src/frontend/dist /app/frontend/dist
USER tunix
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health')"
CMD ["tunix-rt", "serve", "--host", "0.0.0.0", "--port", "8000"]
