"""Delivery status notifications (RFC 3464) as a mail server writes them."""


def dsn(
    *, recipient: str, status: str, action: str = "failed", message_id: str
) -> bytes:
    return f"""From: MAILER-DAEMON@mx.example.net
To: crm@example.com
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {status.replace(".", "")[:3]} {status} mailbox unavailable

--B
Content-Type: text/rfc822-headers

From: crm@example.com
To: {recipient}
Subject: News
Message-ID: {message_id}

--B--
""".replace("\n", "\r\n").encode()
