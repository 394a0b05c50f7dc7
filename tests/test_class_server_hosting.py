"""The class server hosted for real: HTTPS with a real certificate, and no client address,
header or token in any log line or on stderr, aiohttp's own error lines included."""

from __future__ import annotations

import socket
import ssl
import subprocess
import urllib.error
import urllib.request

import pytest

from aggregator_process import start_aggregator
from daemon_process import start_daemon

SECRET = "Bearer top-secret-token-0123456789abcdefghijkl"
# Requests aiohttp refuses before any handler runs: each makes it log 'Error handling
# request from <address>' with a traceback that quotes the request.
MALFORMED = [
    b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nAuthorization: " + SECRET.encode() +
    b"\r\nX-Long: " + b"a" * 20000 + b"\r\n\r\n",
    b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nAuthorization: " + SECRET.encode() +
    b"\r\nBad Header Line\r\n\r\n",
    b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n"
    b"Authorization: " + SECRET.encode() + b"\r\n\r\n",
]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throw-away certificate for 127.0.0.1 and its key (openssl, as a school's IT would)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "server.pem", folder / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def send_raw(port: int, data: bytes, tls: ssl.SSLContext | None = None) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        sock = tls.wrap_socket(raw, server_hostname="127.0.0.1") if tls else raw
        with sock:
            sock.sendall(data)
            try:
                sock.recv(4096)
            except OSError:
                pass


def assert_nothing_names_the_client(stderr: str, home, own_address: str = "") -> None:
    """The client here is 127.0.0.1 too: only lines with the server's own address may."""
    texts = [("stderr", stderr)] + [(str(path), path.read_text(errors="replace"))
                                    for path in home.rglob("*.log")]
    texts = [(name, "\n".join(line for line in text.splitlines()
                              if not (own_address and own_address in line)))
             for name, text in texts]
    for name, text in texts:
        assert "127.0.0.1" not in text, (name, text[-2000:])
        assert "top-secret-token" not in text, name
    assert any("Error handling a request" in text for _, text in texts)


def test_class_server_serves_https_with_its_certificate(tmp_path, certificate):
    cert, key = certificate
    server = start_aggregator(tmp_path / "server", options=("--cert", str(cert), "--key",
                                                            str(key)))
    try:
        assert server.url.startswith("https://")
        trusted = ssl.create_default_context(cafile=str(cert))
        with urllib.request.urlopen(f"{server.url}/api/v1/health", context=trusted,
                                    timeout=10) as reply:
            assert reply.status == 200
        with pytest.raises(urllib.error.URLError):  # no trust, no connection
            urllib.request.urlopen(f"{server.url}/api/v1/health", timeout=10)
        plain = server.url.replace("https://", "http://")
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen(f"{plain}/api/v1/health", timeout=10)
        port = int(server.url.rsplit(":", 1)[1])
        for data in MALFORMED:
            send_raw(port, data, trusted)
    finally:
        errors = server.stop()
    assert_nothing_names_the_client(errors, tmp_path / "server")


def test_class_server_refuses_an_unusable_certificate_in_one_sentence(tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(RuntimeError, match="cannot be used"):
        start_aggregator(tmp_path / "server", options=("--cert", str(bad)))


def test_class_server_and_daemon_log_no_client_after_bad_requests(tmp_path):
    server = start_aggregator(tmp_path / "server")
    port = int(server.url.rsplit(":", 1)[1])
    try:
        for data in MALFORMED:
            send_raw(port, data)
    finally:
        errors = server.stop()
    assert_nothing_names_the_client(errors, tmp_path / "server")
    daemon = start_daemon(tmp_path / "home")
    try:
        for data in MALFORMED:
            send_raw(daemon.port, data)
    finally:
        daemon.stop()
    assert_nothing_names_the_client("".join(daemon.output), tmp_path / "home",
                                    f"127.0.0.1:{daemon.port}")
