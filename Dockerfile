# One image for every role (web, worker, deliver, scheduler); compose.yaml picks the command.
FROM python:3.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/app/.venv
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/* && pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
RUN .venv/bin/python manage.py compilemessages --ignore .venv \
    && SECRET_KEY=build .venv/bin/python manage.py collectstatic --noinput --verbosity 0
RUN useradd --system --home /app canhgiac && mkdir -p /app/var && chown canhgiac /app/var
USER canhgiac
EXPOSE 8000
CMD [".venv/bin/uvicorn", "canhgiac.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "3", "--no-proxy-headers"]
