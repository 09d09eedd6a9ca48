"""What the demo leaves for the README's commands (scenarios/demo_env.py): the address
`intersessional dev` will serve from the settings, and a file a shell sources back."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scenarios.demo_env import DemoEnv, served_url
from settings import Settings


def test_the_served_address_is_the_settings() -> None:
    assert served_url(Settings(api_host="127.0.0.1", api_port=18123)) == "http://127.0.0.1:18123"
    assert served_url(Settings(api_host="0.0.0.0", api_port=9000)) == "http://127.0.0.1:9000"
    assert served_url(Settings(api_host="::1", api_port=9000)) == "http://[::1]:9000"


def test_a_shell_reads_back_every_value(tmp_path: Path) -> None:
    odd = tmp_path / "a dir with 'quotes' $and spaces"
    odd.mkdir()
    left = DemoEnv(data_dir=odd, year=2027, as_of="2026-12-06T02:08:01.577415Z",
                   president_state="NOR", present=("NOR", "CHE", "ICRC"),
                   api_url="http://127.0.0.1:8000")
    path = left.write()
    script = ('source "$1" && printf "%s\\n" "$INTERSESSIONAL_DATA_DIR" "$YEAR" "$NEXT_YEAR" '
              '"$AS_OF" "$PRESIDENT_STATE" "$PRESENT" "$API_URL"')
    shown = subprocess.run(["bash", "-c", script, "-", str(path)], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    assert shown == [str(odd), "2027", "2028", "2026-12-06T02:08:01.577415Z", "NOR",
                     "NOR,CHE,ICRC", "http://127.0.0.1:8000"]
