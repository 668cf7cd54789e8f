#!/usr/bin/env python3
"""A tiny webhook receiver for trying the gateway: prints each event and checks its
Standard Webhooks signature. Usage: tools/webhook-receiver.py [port] [whsec_secret]"""
import base64, hashlib, hmac, json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
SECRET = sys.argv[2] if len(sys.argv) > 2 else None


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        msg_id, stamp = self.headers.get("webhook-id", ""), self.headers.get("webhook-timestamp", "")
        verdict = "unchecked"
        if SECRET:
            key = base64.b64decode(SECRET.removeprefix("whsec_"))
            expected = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
            given = [s.split(",", 1)[1] for s in self.headers.get("webhook-signature", "").split() if s.startswith("v1,")]
            verdict = "valid" if any(hmac.compare_digest(expected, g) for g in given) else "INVALID"
        event = json.loads(body)
        print(f"{event['type']:16} {verdict:9} {json.dumps(event['data'], ensure_ascii=False)}", flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
