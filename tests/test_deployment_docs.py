"""What docs/deployment.md tells an operator to install works as written: its nginx site is
accepted by `nginx -t` and proxies a real server, its systemd unit passes `systemd-analyze
verify`. Each needs the Debian package (nginx, systemd), skipped with the reason without."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.servers import ROOT, SEARCHAPP_SERVE, fetch, free_port, get_json, server_process, stop

pytestmark = pytest.mark.slow  # builds, servers or faults: seconds each

DEPLOYMENT = ROOT / "docs" / "deployment.md"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def block(language: str) -> str:
    """The one fenced block of `language` in docs/deployment.md."""
    [found] = re.findall(rf"```{language}\n(.*?)```", DEPLOYMENT.read_text(), re.S)
    return found


def nginx_config(folder: Path, listen: int, upstream: int) -> Path:
    """The docs' site inside the smallest whole configuration, with its temp files in
    `folder`, listening on `listen` and proxying to `upstream`."""
    site = block("nginx")
    assert "listen 80;" in site and "proxy_pass http://127.0.0.1:8000;" in site
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};").replace(
        "http://127.0.0.1:8000;", f"http://127.0.0.1:{upstream};")
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the temp folder
    config = folder / "nginx.conf"
    config.write_text(f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
                      f"error_log {folder}/error.log;\nevents {{}}\nhttp {{\n"
                      f"    access_log off;\n{temp}\n{site}}}\n")
    return config


@pytest.mark.skipif(NGINX is None, reason="Debian nginx not installed")
def test_the_nginx_site_passes_nginx_t_and_proxies_a_real_server(sample_index, tmp_path):
    listen = free_port()
    with server_process(SEARCHAPP_SERVE + ["--index-dir", str(sample_index)],
                        sample_index) as (base, _):
        upstream = int(base.rsplit(":", 1)[1])
        config = nginx_config(tmp_path, listen, upstream)
        checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(config)],
                                 capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        assert "test is successful" in checked.stderr
        nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            proxy = f"http://127.0.0.1:{listen}"
            deadline = time.monotonic() + 20
            while True:
                try:
                    status, body = get_json(proxy + "/api/v1/health", timeout=5)
                    break
                except OSError:
                    assert nginx.poll() is None, nginx.stderr.read().decode()
                    assert time.monotonic() < deadline, "nginx did not start"
                    time.sleep(0.2)
            assert status == 200 and body["status"] == "ok"
            # 1,000 characters (the longest q) of emoji: a 12 KB request line, over
            # nginx's default 8 KB buffers
            long_query = "lavrov " + "\U0001F600" * 993
            line = "/api/v1/search?" + urllib.parse.urlencode({"q": long_query, "per_page": 1})
            assert len(line) > 11_000
            status, headers, body = fetch(proxy + line)
            assert status == 200, (status, body[:200])
            assert headers["Content-Type"].startswith("application/json")
            assert b'"total":5' in body
            status, _, page = fetch(proxy + "/")
            assert status == 200 and b"searchapp" in page
        finally:
            stop(nginx)


def test_a_misplaced_nginx_directive_is_what_the_check_catches(tmp_path):
    """The check above can fail: the docs' old snippet (the buffers inside location)."""
    if NGINX is None:
        pytest.skip("Debian nginx not installed")
    site = block("nginx")
    line = "    large_client_header_buffers 4 32k;\n"
    moved = site.replace(line, "").replace("location / {\n", "location / {\n    " + line)
    config = tmp_path / "nginx.conf"
    config.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
                      f"events {{}}\nhttp {{\n{moved}}}\n")
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(config)],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode != 0 and "not allowed here" in checked.stderr


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze (Debian systemd) missing")
def test_the_systemd_unit_verifies(tmp_path):
    unit = block("ini")
    executable = Path(sys.executable).with_name("searchapp")
    if not executable.exists():
        pytest.skip(f"no installed searchapp command beside {sys.executable}")
    user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    group = subprocess.run(["id", "-gn"], capture_output=True, text=True).stdout.strip()
    unit = (unit.replace("/srv/searchapp/.venv/bin/searchapp", str(executable))
            .replace("/srv/searchapp/index", str(tmp_path / "index"))
            .replace("WorkingDirectory=/srv/searchapp", f"WorkingDirectory={tmp_path}")
            .replace("User=searchapp", f"User={user}").replace("Group=searchapp", f"Group={group}"))
    path = tmp_path / "searchapp.service"
    path.write_text(unit)
    verified = subprocess.run([SYSTEMD_ANALYZE, "verify", str(path)], capture_output=True,
                              text=True, timeout=60)
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr
    broken = tmp_path / "broken.service"
    broken.write_text(unit.replace(str(executable), str(tmp_path / "missing")))
    assert subprocess.run([SYSTEMD_ANALYZE, "verify", str(broken)], capture_output=True,
                          timeout=60).returncode != 0
