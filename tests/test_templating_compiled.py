"""Templates compiled once and kept beside Carnet's bytecode (``bytecode_cache``): a
kept template is the one used, a damaged or stale one is compiled again."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from generator.templating import bytecode_cache


def _environment(folder: Path) -> Environment:
    return Environment(loader=FileSystemLoader(str(folder)), bytecode_cache=bytecode_cache())


def _kept(folder: Path, name: str) -> Path:
    cache = bytecode_cache()
    assert cache is not None
    key = cache.get_cache_key(name, str(folder / name))
    return Path(cache.directory) / (cache.pattern % key)


def test_a_template_is_compiled_once_then_read_back(tmp_path: Path) -> None:
    (tmp_path / "page.j2").write_text("Bonjour {{ nom }} !")
    assert _environment(tmp_path).get_template("page.j2").render(nom="Zoé") == "Bonjour Zoé !"
    kept = _kept(tmp_path, "page.j2")
    assert kept.is_file()
    stamp = kept.stat().st_mtime_ns
    assert _environment(tmp_path).get_template("page.j2").render(nom="Léa") == "Bonjour Léa !"
    assert kept.stat().st_mtime_ns == stamp  # read back, not compiled and written again
    kept.unlink()  # a temporary template's: not to be left beside Carnet's


def test_a_changed_or_damaged_template_is_compiled_again(tmp_path: Path) -> None:
    (tmp_path / "page.j2").write_text("Avant {{ x }}")
    assert _environment(tmp_path).get_template("page.j2").render(x=1) == "Avant 1"
    (tmp_path / "page.j2").write_text("Après {{ x }}")
    assert _environment(tmp_path).get_template("page.j2").render(x=2) == "Après 2"
    _kept(tmp_path, "page.j2").write_bytes(b"pas du bytecode")
    assert _environment(tmp_path).get_template("page.j2").render(x=3) == "Après 3"
    _kept(tmp_path, "page.j2").unlink()
