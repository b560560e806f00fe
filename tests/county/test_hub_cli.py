"""The hub as an admin runs it: `python -m county` add-clinic / rotate-token / revoke, and
`serve` over TLS with a county's own CA — a real process on 127.0.0.1."""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme

from app.sync.client import AuthError, CertificateError, HubClient, NetworkError
from app.sync.protocol import Change
from tests.hub_server import free_port

ROOT = Path(__file__).resolve().parents[2]
P1 = "a0000000-0000-4000-8000-000000000001"


def county(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "county", "--db", f"sqlite:///{db}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def serve(db: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "county",
            "--db",
            f"sqlite:///{db}",
            "serve",
            "--port",
            str(port),
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_up(url: str, **kw: object) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/api/v1/health", timeout=1, **kw)  # type: ignore[arg-type]
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("hub did not start")


@pytest.fixture
def tls(tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_pem, cert_pem, key_pem = (tmp_path / n for n in ("ca.pem", "hub.pem", "hub.key"))
    ca.cert_pem.write_to_path(str(ca_pem))
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_pem))
    cert.private_key_pem.write_to_path(str(key_pem))
    yield ca_pem, cert_pem, key_pem


def test_tokens_add_rotate_revoke(tmp_path: Path) -> None:
    db = tmp_path / "county.db"
    added = county(db, "add-clinic", "341122TH", "来安县桃花镇卫生院")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    assert len(token) >= 22  # >= 128 random bits, url-safe
    assert token.encode() not in db.read_bytes()  # stored hashed, never in clear
    again = county(db, "add-clinic", "341122TH", "重复")
    assert again.returncode != 0 and "已登记" in again.stderr + again.stdout
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = serve(db, port)
    try:
        wait_up(url)
        with HubClient(url, token, allow_http=True) as c:
            assert c.pull(0, 10).changes == []
        rotated = county(db, "rotate-token", "341122TH")
        new = rotated.stdout.strip().splitlines()[-1]
        assert rotated.returncode == 0 and new != token
        with HubClient(url, token, allow_http=True) as c, pytest.raises(AuthError):
            c.pull(0, 10)
        with HubClient(url, new, allow_http=True) as c:
            c.push(
                "341122TH",
                [Change(type="patient", id=P1, version=1, data={"name": "张三", "sex": "1"})],
            )
        assert county(db, "revoke", "341122TH").returncode == 0
        with HubClient(url, new, allow_http=True) as c, pytest.raises(AuthError, match="令牌"):
            c.pull(0, 10)
        assert county(db, "revoke", "NOPE").returncode == 1
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    # the server's output names where it listens and never shows a token
    assert f"http://127.0.0.1:{port}" in out
    assert token not in out and new not in out


def test_serve_over_tls_with_the_countys_own_ca(
    tmp_path: Path, tls: tuple[Path, Path, Path]
) -> None:
    ca_pem, cert_pem, key_pem = tls
    db = tmp_path / "county.db"
    token = county(db, "add-clinic", "A001", "卫生院").stdout.strip().splitlines()[-1]
    port = free_port()
    url = f"https://127.0.0.1:{port}"
    proc = serve(db, port, "--certfile", str(cert_pem), "--keyfile", str(key_pem))
    try:
        wait_up(url, verify=ssl.create_default_context(cafile=str(ca_pem)))
        with HubClient(url, token, str(ca_pem)) as c:
            assert c.health()["status"] == "ok"
            (r,) = c.push(
                "A001",
                [Change(type="patient", id=P1, version=1, data={"name": "张三", "sex": "1"})],
            )
            assert r.status == "applied"
        # without the county's CA the certificate does not verify: refused, never skipped
        with HubClient(url, token) as c, pytest.raises(CertificateError, match="证书"):
            c.health()
        # plain HTTP to the TLS port is a connection problem, not a success
        with (
            HubClient(f"http://127.0.0.1:{port}", token, allow_http=True) as c,
            pytest.raises(NetworkError),
        ):
            c.health()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert url in out


def test_bad_ca_bundle_named(tmp_path: Path) -> None:
    missing = tmp_path / "none.pem"
    with pytest.raises(CertificateError, match="CA"):
        HubClient("https://127.0.0.1:1", "t", str(missing))
