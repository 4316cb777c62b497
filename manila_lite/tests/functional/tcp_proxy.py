"""A TCP proxy a test can take down and bring back, to give one deployment
an outage of a real server (RabbitMQ) without stopping it for the others
that share it.

``down()`` closes the listening socket and resets every proxied
connection, as a stopped node does: clients see their connections drop
and new ones refused. ``up()`` listens again on the same port.
"""

import socket
import threading


class TcpProxy:
    def __init__(self, target_host, target_port, host='127.0.0.1'):
        self.target = (target_host, target_port)
        self.host = host
        self.port = None
        self._listener = None
        self._lock = threading.Lock()
        self._sockets = set()

    def up(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port or 0))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,),
                         daemon=True).start()

    def down(self):
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            # RST rather than FIN: the peer sees the connection reset.
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                b'\x01\x00\x00\x00\x00\x00\x00\x00')
                sock.close()
            except OSError:
                pass

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    server.close()
                    return
                self._sockets.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink),
                                 daemon=True).start()

    def _pipe(self, source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._sockets.difference_update((source, sink))
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
