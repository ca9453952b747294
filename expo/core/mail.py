"""E-mail on the console (``EMAIL_URL=consolemail://``, the embedded default)."""

from django.core.mail.backends import console

_SHOWN_HEADERS = ("Date", "From", "To", "Cc", "Reply-To", "Message-ID")


class ConsoleEmailBackend(console.EmailBackend):
    """Prints each message as its reader sees it: the headers, the subject, the text
    part, and one line for each other part (the HTML version, QR codes, calendar
    files) instead of Django's raw MIME with pages of base64."""

    def write_message(self, message):
        mime = message.message()
        lines = [f"{name}: {mime[name]}" for name in _SHOWN_HEADERS if mime[name]]
        lines += [f"Subject: {message.subject}", "", message.body.rstrip(), ""]
        text_shown = False
        for part in mime.walk():
            if part.is_multipart():
                continue
            content_type = part.get_content_type()
            if content_type == "text/plain" and not text_shown and not part.get_filename():
                text_shown = True  # the body above
                continue
            size = len(part.get_payload(decode=True) or b"")
            name = part.get_filename() or part.get("Content-ID", "")
            lines.append(f"[{content_type}{f' {name}' if name else ''}, {size} bytes]")
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")
