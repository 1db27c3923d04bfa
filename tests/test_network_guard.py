"""The tests cannot reach the network: only loopback TCP, Unix sockets and socketpairs work."""

from __future__ import annotations

import socket
import threading

import pytest
from pytest_socket import SocketConnectBlockedError


def test_a_loopback_server_answers() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        accepted = threading.Thread(target=lambda: server.accept()[0].close())
        accepted.start()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        accepted.join(5)


def test_any_other_address_is_refused_before_a_packet_leaves() -> None:
    # 127.0.0.2 is loopback too, so even a broken guard would send nothing off the machine.
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("127.0.0.2", 9), timeout=1)


def test_unix_sockets_and_socketpairs_work() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"ping")
        assert right.recv(4) == b"ping"
