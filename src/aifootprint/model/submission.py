"""What a student's daemon sends the class server for one closed period: the one schema
both sides share. Nothing else about a student ever leaves the computer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

# A pseudonym is secrets.token_urlsafe(32) made on the student's machine: 43 characters.
PSEUDONYM_PATTERN = r"^[A-Za-z0-9_-]{43}$"
CLASS_ID_PATTERN = r"^[0-9a-f]{16}$"


class Submission(BaseModel):
    """Exactly what a student sends for one closed period; anything else is refused."""

    model_config = ConfigDict(extra="forbid")
    class_id: str = Field(pattern=CLASS_ID_PATTERN)
    period: str = Field(max_length=10)
    pseudonym: str = Field(pattern=PSEUDONYM_PATTERN)
    prompts: StrictInt
    images: StrictInt
    # Daemons from before videos were counted send none: 0, which adds nothing.
    videos: StrictInt = 0
