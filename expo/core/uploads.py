"""A cap on multipart bodies, checked before any of the body is stored.

Django limits a request's form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not its files:
those it streams to a temporary file of any size. This handler goes first in
``FILE_UPLOAD_HANDLERS`` and refuses a body over ``UPLOAD_MAX_BYTES`` by its declared
length, and a file that grows past it while streaming (a body sent without a length).
The refusal is Django's ``RequestDataTooBig``: the API answers it as the contract's 413
``request_too_large`` (expo/core/exceptions.py), the pages with their 400 page.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class UploadSizeLimitHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.UPLOAD_MAX_BYTES:
            raise RequestDataTooBig(_too_big())
        return None  # let the next handlers read the body

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            raise RequestDataTooBig(_too_big())
        return raw_data  # passed on to the handler that stores it

    def file_complete(self, file_size):
        return None  # the next handler makes the file


def _too_big() -> str:
    return f"Upload larger than UPLOAD_MAX_BYTES ({settings.UPLOAD_MAX_BYTES} bytes)."
