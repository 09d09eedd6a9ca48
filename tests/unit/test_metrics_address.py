"""Where the worker serves its metrics (runtime.metrics): the setting's address for
``intersessional worker``; for ``intersessional dev`` only when the port is set, so that two dev
processes on one machine never reach for the same default port."""

from __future__ import annotations

import socket

import pytest

from runtime.metrics import metered_runtime, metrics_address
from settings import Settings, load


def test_the_worker_serves_on_the_default_port_and_none_on_0() -> None:
    assert metrics_address(Settings()) == "127.0.0.1:9464"
    assert metrics_address(Settings(worker_metrics_port=0)) is None
    assert metrics_address(Settings(worker_metrics_host="::1", worker_metrics_port=9)) == \
        "[::1]:9"
    assert metrics_address(Settings(worker_metrics_host="localhost")) == "127.0.0.1:9464"


def test_dev_serves_none_unless_the_port_is_set() -> None:
    assert metrics_address(load({}), dev=True) is None
    set_ = load({"INTERSESSIONAL_WORKER_METRICS_PORT": "19464"})
    assert metrics_address(set_, dev=True) == "127.0.0.1:19464"
    assert metrics_address(load({"INTERSESSIONAL_WORKER_METRICS_PORT": "0"}), dev=True) is None


def test_a_port_taken_is_an_oserror_naming_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match="INTERSESSIONAL_WORKER_METRICS_PORT") as said:
            metered_runtime(Settings(worker_metrics_port=port))
    assert f"127.0.0.1:{port}" in str(said.value)
