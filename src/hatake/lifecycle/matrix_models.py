from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from hatake.core.db import Base, UTCDateTime, utcnow


class MatrixConfigVersion(Base):
    """A valid [matrix] section that was once in force. The newest one applies while the file
    holds a section that fails the checks, so a typo never changes the bands."""

    __tablename__ = "matrix_config_versions"

    id: Mapped[int] = mapped_column(primary_key=True)  # the version number shown to people
    document: Mapped[dict[str, object]] = mapped_column(JSON)
    # sha256 of the canonical JSON: a new version is stored only when the section differs from
    # the newest one. Not unique: going back to an older section makes it the newest again.
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
