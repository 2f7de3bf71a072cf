"""A real SMTP server for the tests (aiosmtpd): appends each accepted message to a JSON-lines file.

usage: smtp_sink.py OUT [CERT KEY | --auth-without-tls]
Recipients at refused.test are refused with 550. With CERT and KEY it requires STARTTLS and AUTH (login "alerts", password "s3cret") after TLS.
With --auth-without-tls it offers no STARTTLS but accepts AUTH in clear text, as a careless or downgraded relay would;
each AUTH it receives is appended to OUT.auth.
Listens on a free port of 127.0.0.1 and prints "ready PORT" once listening; stops on SIGTERM.
"""
import json
import signal
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A relay refusing a mailbox, for the refusal tests.
        if address.endswith("@refused.test"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        }
        with open(self.out, "a") as file:
            file.write(json.dumps(record) + "\n")
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    valid = isinstance(auth_data, LoginPassword) and auth_data.login == b"alerts" and auth_data.password == b"s3cret"
    return AuthResult(success=valid)


def free_port():
    # A port the kernel just handed out and nobody else holds (the tests run many servers at once).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    out, port = sys.argv[1], free_port()
    options = {}
    if sys.argv[2:] == ["--auth-without-tls"]:

        def recording(server, session, envelope, mechanism, auth_data):
            with open(out + ".auth", "a") as file:
                file.write(mechanism + "\n")
            return authenticator(server, session, envelope, mechanism, auth_data)

        options = dict(authenticator=recording, auth_require_tls=False)
    elif len(sys.argv) > 3:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        options = dict(tls_context=context, require_starttls=True, authenticator=authenticator, auth_require_tls=True)
    # aiosmtpd gives up on its own start after 5 s by default: a loaded CI machine can take longer.
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port, ready_timeout=30, **options)
    controller.start()
    print(f"ready {port}", flush=True)
    signal.sigwait([signal.SIGTERM, signal.SIGINT])
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGINT])
    main()
