# expect: error
# tiers: bwrap container
"""Opens a TCP connection and resolves a name to fetch answers or leak tests."""
import socket


def causal_mask(seq_len):
    try:
        socket.getaddrinfo("pypi.org", 443)
    except OSError:
        pass
    with socket.create_connection(("1.1.1.1", 53), timeout=0.5) as conn:
        conn.sendall(b"hello")
    raise RuntimeError("network reachable")
