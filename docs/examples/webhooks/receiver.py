#!/usr/bin/env python3
"""A webhook receiver for descarga-masiva with Python's standard library only.

Checks each delivery's signature and timestamp before trusting it, handles each delivery once, and
answers 2xx quickly. Prints one JSON line per event it accepts.

    WEBHOOK_SECRET=whsec_... PORT=9090 python3 receiver.py
"""
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ["WEBHOOK_SECRET"]  # shown once when the webhook was added
TOLERANCE_SECONDS = 300  # refuse deliveries signed longer ago than this (replays)


def verify(secret: str, headers, raw_body: bytes) -> bool:
    """True when the delivery was signed with our secret, is intact, and is recent."""
    timestamp = headers.get("X-DescargaMasiva-Timestamp", "")
    signature = headers.get("X-DescargaMasiva-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    signed = timestamp.encode() + b"." + raw_body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


handled = set()  # delivery ids already handled: a retry after a lost answer repeats one


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        raw_body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not verify(SECRET, self.headers, raw_body):
            self.send_response(401)
            self.end_headers()
            return
        delivery = self.headers["X-DescargaMasiva-Delivery"]
        if delivery not in handled:
            handled.add(delivery)
            event = json.loads(raw_body)
            print(json.dumps({"delivery": delivery, "evento": event["evento"], "datos": event["datos"]}), flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:  # keep standard output for the events
        pass


if __name__ == "__main__":
    server = HTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "9090"))), Receiver)
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
