"""A real SMTP server on loopback (aiosmtpd) for the outbox tests.

It records every message it accepted (with its Message-ID) and answers
from a script: ``server.refuse_recipient[address] = "550 …"`` refuses a
recipient for good, ``server.data_replies`` is a list of replies to the
next DATA commands ("451 …" once, then the default "250"), and
``server.fail_every`` makes a share of DATA commands fail temporarily.
"""

import email
import email.message
import email.policy
import random
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: email.message.Message

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]


@dataclass
class LoopbackHandler:
    received: list[Received] = field(default_factory=list)
    refuse_recipient: dict[str, str] = field(default_factory=dict)
    data_replies: list[str] = field(default_factory=list)
    temporary_failure_rate: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: When set, each accepted Message-ID is appended there (a process server).
    log_path: str = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse_recipient.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.data_replies:
                reply = self.data_replies.pop(0)
                if not reply.startswith("2"):
                    return reply
            elif self.rng.random() < self.temporary_failure_rate:
                return "451 4.3.0 Try again later"
            if self.log_path:
                parsed = email.message_from_bytes(envelope.content)
                with open(self.log_path, "a", encoding="utf-8") as log:
                    log.write(f"{parsed['Message-ID']}\n")
                return "250 Message accepted"
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    recipients=list(envelope.rcpt_tos),
                    message=email.message_from_bytes(
                        envelope.content, policy=email.policy.default
                    ),
                )
            )
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [item.message_id for item in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackSMTP:
    """aiosmtpd on 127.0.0.1 and a free port, with :class:`LoopbackHandler`."""

    def __init__(self, port: int = 0) -> None:
        self.handler = LoopbackHandler()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=port or free_port()
        )

    def start(self) -> "LoopbackSMTP":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def mailers(self) -> dict:
        """A MAILERS setting sending to this server with Django's SMTP backend."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }


def loopback_smtp(settings):
    """Fixture body: a loopback SMTP server the default mailer sends to."""
    server = LoopbackSMTP().start()
    settings.MAILERS = server.mailers()
    yield server
    server.stop()


def main() -> None:
    """``python -m tests.outbox.smtp PORT FAIL_RATE LOG``: a server process.

    For the drill and the benchmark, so the server does not share a process
    (and its interpreter lock) with what it measures. Runs until killed.
    """
    import sys
    import time

    port, rate, log_path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    server = LoopbackSMTP(port=port)
    server.handler.temporary_failure_rate = rate
    server.handler.log_path = log_path
    server.start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
