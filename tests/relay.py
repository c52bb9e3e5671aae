"""A unix socket relaying to the engine's, for tests of a daemon that goes away or a connection that drops."""

from __future__ import annotations

import contextlib
import os
import socket
import threading


class SocketRelay:
    """A unix socket that relays to the engine's: stopping it is the daemon going away, starting it coming back."""

    def __init__(self, path: str, target: str) -> None:
        self.path, self.target = path, target
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []
        self.hung_up: list[threading.Event] = []  # one per connection: set once the client closed its side

    def start(self) -> None:
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(self.path)
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.target)
            self.open += [client, upstream]
            hung_up = threading.Event()
            self.hung_up.append(hung_up)
            threading.Thread(target=self._from_client, args=(client, upstream, hung_up), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _from_client(self, client: socket.socket, upstream: socket.socket, hung_up: threading.Event) -> None:
        self._pump(client, upstream)
        hung_up.set()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def connected(self) -> int:
        """How many clients hold a connection open."""
        return sum(not ended.is_set() for ended in self.hung_up)

    def stop(self) -> None:
        """The daemon goes away: no new connections (the path is gone first), the open ones are cut."""
        os.unlink(self.path)  # first: a thread still in accept() on the closing listener gets no one
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        for sock in self.open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.open.clear()
