"""The leak test shared by extranets and the internal site: texts that must appear in no
output file, neither in its bytes nor in its name."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def out_files(site: Path) -> list[Path]:
    """Every file of a built site."""
    return [p for p in site.rglob("*") if p.is_file()]


def record_texts(entries: Iterable[object], *, min_length: int = 6) -> set[str]:
    """The texts of ``entries`` (Book entries) a reader would recognise: names, titles,
    subjects, e-mails, notes, next steps, phones."""
    found: set[str] = set()
    for entry in entries:
        r = entry.record  # type: ignore[attr-defined]
        for field in (
            "name",
            "title",
            "subject",
            "email",
            "note",
            "internal_note",
            "next_step",
            "last_name",
            "phone",
        ):
            value = getattr(r, field, None)
            if isinstance(value, str) and len(value) >= min_length:
                found.add(value)
    return found


def assert_absent(site: Path, texts: Iterable[str], context: str = "") -> None:
    """No file of ``site`` holds any of ``texts`` (as UTF-8 bytes, or as HTML escapes it),
    and no file name contains one."""
    files = out_files(site)
    blob = b"\n".join(p.read_bytes() for p in files)
    names = "\n".join(p.relative_to(site).as_posix() for p in files)
    for text in texts:
        escaped = text.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&quot;")
        for form in {text, escaped}:
            assert form.encode() not in blob, (context, text)
        assert text not in names, (context, text)
