"""The embedded default as a newcomer sees it: quiet about brokers, e-mails readable."""

import logging
from io import StringIO

from django.core.mail import EmailMultiAlternatives

from config.celery import app
from expo.core.mail import ConsoleEmailBackend


def test_eager_celery_does_not_warn_about_a_missing_broker_host(caplog):
    """Eager tasks still build a broker connection for their producer; its URL must name
    a host or kombu warns "No hostname was supplied" on every booking."""
    with caplog.at_level(logging.WARNING, logger="kombu"), app.connection_for_write() as connection:
        connection.info()
    assert "No hostname" not in caplog.text


def test_console_mail_shows_the_message_not_its_mime():
    message = EmailMultiAlternatives(
        subject="Dina biljetter: Visning av Oceanhamnen",
        body="Hej Eva!\n\nDin bokning är bekräftad.",
        from_email="H22 City Expo <biljetter@h22.example>",
        to=["eva@example.se"],
        headers={"Message-ID": "<booking.1@h22.example>"},
    )
    message.attach_alternative("<p>Hej Eva!</p>", "text/html")
    message.attach("h22-session-1.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.attach("ticket-1.png", b"\x89PNG" + bytes(range(256)) * 8, "image/png")
    stream = StringIO()

    ConsoleEmailBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert "Subject: Dina biljetter: Visning av Oceanhamnen" in printed  # not =?utf-8?...
    assert "To: eva@example.se" in printed
    assert "Message-ID: <booking.1@h22.example>" in printed
    assert "Hej Eva!\n\nDin bokning är bekräftad." in printed
    assert "[text/html, 15 bytes]" in printed
    assert "[text/calendar h22-session-1.ics, 32 bytes]" in printed
    assert "[image/png ticket-1.png, 2052 bytes]" in printed
    assert "Content-Transfer-Encoding" not in printed
