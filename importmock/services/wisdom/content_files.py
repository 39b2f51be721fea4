"""Whether an uploaded file can be ingested as knowledge-base content of its declared type.

The upload's ``contentType`` is the one StartContentUpload was given (the PUT must carry it
as its ``content-type``); this looks at the bytes. Only what a type's own format makes
certain is checked: a PDF starts with ``%PDF-``, a .docx is a ZIP archive, Wisdom's JSON
types hold a JSON object. Text, HTML and CSV are taken as they are.
"""

from __future__ import annotations

from importmock.engine import strict_json

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def problem(content_type: str, body: bytes | None, upload_id: str) -> str | None:
    """Why the file cannot be ingested, or None."""
    if body is None:
        return f"Nothing was uploaded for upload ID {upload_id}."
    if not body:
        return f"The file uploaded for upload ID {upload_id} is empty."
    if content_type == "application/pdf" and not body.startswith(b"%PDF-"):
        return f"The file uploaded for upload ID {upload_id} is not a PDF document."
    if content_type == DOCX and not body.startswith(b"PK\x03\x04"):
        return f"The file uploaded for upload ID {upload_id} is not a .docx document."
    if content_type.startswith("application/x.wisdom-json"):
        try:
            decoded = strict_json.loads(body)
        except strict_json.NotJson:
            decoded = None
        if not isinstance(decoded, dict):
            return f"The file uploaded for upload ID {upload_id} is not a JSON object."
    return None
