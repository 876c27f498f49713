#!/usr/bin/env python3
"""An HTTP server that answers every GET with the address and port the request came from (its peer)."""
import argparse
import http.server
import socketserver


class WhoAmI(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = ("%s:%d\n" % self.client_address).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        print("%s:%d %s" % (self.client_address[0], self.client_address[1], fmt % args), flush=True)


class Server(http.server.ThreadingHTTPServer):
    def server_bind(self):
        # HTTPServer looks its address up in DNS (getfqdn), which in a test namespace can take many seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bind", default="0.0.0.0")
    p.add_argument("--port", type=int, default=8000)
    a = p.parse_args()
    Server((a.bind, a.port), WhoAmI).serve_forever()


if __name__ == "__main__":
    main()
