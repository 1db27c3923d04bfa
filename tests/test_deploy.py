"""deploy/: the compose file and the proxy's configuration hold what several workers need.
Parsed, not run: no Docker is needed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from coach.settings import Settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))


def test_the_services_are_postgres_chroma_two_workers_and_a_proxy() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "chroma", "worker-1", "worker-2", "proxy"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    chroma = services["chroma"]
    assert chroma["image"].startswith("chromadb/chroma:") and chroma["command"][0] == "run"
    assert services["proxy"]["ports"] == ["8000:8000"]


def test_every_worker_shares_the_database_the_index_server_and_the_secret() -> None:
    services = compose()["services"]
    workers = [services["worker-1"], services["worker-2"]]
    assert workers[0]["environment"] == workers[1]["environment"]
    env = workers[0]["environment"]
    assert env["COACH_DATABASE_URL"].startswith("postgresql://") and "@postgres:" in env[
        "COACH_DATABASE_URL"]
    chroma_port = services["chroma"]["command"][services["chroma"]["command"].index("--port")
                                                + 1]
    assert env["COACH_CHROMA_URL"] == f"http://chroma:{chroma_port}"
    assert env["CHAINLIT_AUTH_SECRET"].startswith("${CHAINLIT_AUTH_SECRET:?")  # required
    for worker in workers:
        assert worker["depends_on"]["postgres"] == {"condition": "service_healthy"}
        assert worker["volumes"][0].endswith(":/data")  # each worker's own data dir
    proxy_address = services["proxy"]["networks"]["coach"]["ipv4_address"]
    assert env["COACH_TRUSTED_PROXIES"] == proxy_address
    fields = set(Settings.model_fields) | {"auth_secret"}
    for name in env:
        if name.startswith("COACH_"):  # every setting named is one the coach reads
            assert name.removeprefix("COACH_").lower() in fields, name


def test_the_proxy_keeps_each_browser_on_one_worker() -> None:
    config = (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")
    assert re.search(r"^\s*cookie COACH_WORKER insert", config, re.M)
    servers = re.findall(r"^\s*server (\S+) (\S+):8000 check cookie (\S+)", config, re.M)
    assert [(name, host) for name, host, _ in servers] == [("worker-1", "worker-1"),
                                                           ("worker-2", "worker-2")]
    assert "timeout tunnel" in config  # sockets outlive ordinary request timeouts
    compose_file = compose()
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in compose_file["services"][
        "proxy"]["volumes"]
    assert "RUN make setup" in (DEPLOY / "Dockerfile").read_text()  # the committed lock
