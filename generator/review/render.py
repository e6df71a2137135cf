"""``carnet diff``'s three outputs: text for a terminal, Markdown for a pull/merge request
comment, JSON for scripts.

Everything shown comes from the data, possibly a stranger's pull request: in text every
value is made printable (:func:`generator.problems.printable`); in Markdown every value
and name sits in a code span, so that it can neither format, link, load an image nor
mention anyone.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from generator.history.view import shown
from generator.locale import STATE_LABELS, day_date, document_label, money, number, state_label
from generator.problems import Problem, printable
from generator.review.diff import DocumentMove, FieldMove, RecordMove, ReviewDiff, TotalMove

_WORDS = {
    "fr": {
        "title": "Modifications de {base} à {head}",
        "nothing": "Aucune modification des données.",
        "records": "Fiches",
        "documents": "Documents",
        "totals": "Totaux",
        "introduced": "Problèmes introduits",
        "fixed": "Problèmes corrigés",
        "added": "ajoutée",
        "removed": "supprimée",
        "renamed": "renommée",
        "modified": "modifiée",
        "unreadable": "YAML illisible d'un côté",
        "issued": "émis",
        "issued_f": "émise",
        "gone": "numéro disparu",
        "net": "HT",
        "gross": "TTC",
        "turnover": "Chiffre d'affaires HT (factures émises moins avoirs)",
        "pipeline": "{subject} — {detail} (montant)",
        "pipeline-count": "{subject} — {detail} (nombre)",
        "stock": "Stock de {subject} ({detail})",
        "incomplete": "Données en erreur à {sides} : ni documents ni totaux comparés.",
        "on": "le",
    },
    "en": {
        "title": "Changes from {base} to {head}",
        "nothing": "No change to the data.",
        "records": "Records",
        "documents": "Documents",
        "totals": "Totals",
        "introduced": "Problems introduced",
        "fixed": "Problems fixed",
        "added": "added",
        "removed": "removed",
        "renamed": "renamed",
        "modified": "modified",
        "unreadable": "unreadable YAML on one side",
        "issued": "issued",
        "issued_f": "issued",
        "gone": "number gone",
        "net": "excl. VAT",
        "gross": "incl. VAT",
        "turnover": "Turnover excl. VAT (issued invoices less credit notes)",
        "pipeline": "{subject} — {detail} (amount)",
        "pipeline-count": "{subject} — {detail} (count)",
        "stock": "Stock of {subject} ({detail})",
        "incomplete": "Data with errors at {sides}: documents and totals not compared.",
        "on": "on",
    },
}
_FEMININE = frozenset({"order", "invoice", "deposit_invoice", "intermediate_invoice"})


def _words(lang: str) -> dict[str, str]:
    return _WORDS["en" if lang.startswith("en") else "fr"]


def _shown(move: FieldMove, value: Any, lang: str) -> str:
    """A field's value on one short line: amounts and quantities as the locale writes
    them (``-420,00``), states by their name (« En cours »)."""
    if isinstance(value, Decimal):
        return _decimal(value, lang)
    if move.field == "state" and isinstance(value, str) and value in STATE_LABELS:
        return state_label(value, lang)
    return shown(value, lang)


def _decimal(value: Decimal, lang: str) -> str:
    """``-420,00`` for ``Decimal("-420.00")``: the digits typed are kept."""
    from babel.numbers import format_decimal

    from generator.locale import babel_locale

    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=babel_locale(lang))


def _field_name(move: FieldMove) -> str:
    return move.field if move.label == move.field else f"{move.label} ({move.field})"


def _document_line(doc: DocumentMove, lang: str, quote: Any) -> str:
    w = _words(lang)
    label = document_label(doc.kind, lang)
    if doc.status == "removed":
        what = w["gone"]
    else:
        what = w["issued_f"] if doc.kind in _FEMININE | {"balance_invoice"} else w["issued"]
        if doc.issued is not None:
            what += f" {w['on']} {day_date(doc.issued, lang)}"
    party = f" — {quote(doc.party)}" if doc.party else ""
    amounts = f"{money(doc.net, lang)} {w['net']}, {money(doc.gross, lang)} {w['gross']}"
    colon = ": " if lang.startswith("en") else " : "
    return f"{label} {quote(doc.number)} {what}{party}{colon}{amounts}"


def _value(value: Decimal | None, is_money: bool, lang: str) -> str:
    if value is None:
        return "—"
    return money(value, lang) if is_money else number(value, lang)


def _total_line(total: TotalMove, lang: str, quote: Any) -> str:
    w = _words(lang)
    label = w[total.key].format(subject=quote(total.subject), detail=quote(total.detail))
    old, new = _value(total.old, total.money, lang), _value(total.new, total.money, lang)
    change = ""
    if total.old is not None and total.new is not None:
        delta = total.new - total.old
        sign = "+" if delta > 0 else ""
        change = f" ({sign}{_value(delta, total.money, lang)})"
    colon = ": " if lang.startswith("en") else " : "
    return f"{label}{colon}{old} → {new}{change}"


def _record_head(move: RecordMove, lang: str, quote: Any) -> str:
    w = _words(lang)
    name = quote(move.name)
    if move.status == "renamed" and move.old_path:
        from generator.history.view import record_label

        name = f"{quote(record_label(move.old_path))} → {name}"
    head = f"{name} ({w[move.status]})"
    return head + (f" — {w['unreadable']}" if move.unreadable else "")


def _title(diff: ReviewDiff, lang: str) -> str:
    return _words(lang)["title"].format(base=diff.base[:9], head=diff.head[:9])


def _incomplete(diff: ReviewDiff, lang: str) -> str:
    names = {"base": diff.base[:9], "head": diff.head[:9]}
    return _words(lang)["incomplete"].format(sides=", ".join(names[s] for s in diff.incomplete))


def as_text(diff: ReviewDiff, lang: str = "fr") -> str:
    """The diff for a terminal: sections of indented lines, every value printable."""
    w = _words(lang)
    lines = [printable(_title(diff, lang))]
    if diff.empty:
        lines.append(w["nothing"])
    if diff.records:
        lines += ["", w["records"]]
        for move in diff.records:
            lines.append("  " + printable(_record_head(move, lang, str)))
            for f in move.fields:
                lines.append(
                    "      "
                    + printable(
                        f"{_field_name(f)} : {_shown(f, f.old, lang)} → {_shown(f, f.new, lang)}"
                    )
                )
    if diff.documents:
        lines += ["", w["documents"]]
        lines += ["  " + printable(_document_line(d, lang, str)) for d in diff.documents]
    if diff.totals:
        lines += ["", w["totals"]]
        lines += ["  " + printable(_total_line(t, lang, str)) for t in diff.totals]
    for key, problems in (("introduced", diff.introduced), ("fixed", diff.fixed)):
        if problems:
            lines += ["", w[key]]
            lines += ["  " + p.format_text().replace("\n", "\n  ") for p in problems]
    if diff.incomplete:
        lines += ["", _incomplete(diff, lang)]
    return "\n".join(lines)


def code(text: object) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds (one line, inert)."""
    value = printable(str(text)).replace("\n", " ")
    if not value:
        return ""
    fence = "`"
    while fence in value:
        fence += "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def as_markdown(diff: ReviewDiff, lang: str = "fr") -> str:
    """The diff as a pull/merge request comment (every value from the data in code spans)."""
    w = _words(lang)
    lines = [f"### Carnet — {_title(diff, lang)}", ""]
    if diff.empty:
        lines.append(w["nothing"])
    if diff.records:
        lines += [f"#### {w['records']}", ""]
        for move in diff.records:
            lines.append(f"- {_record_head(move, lang, code)}")
            for f in move.fields:
                label = (
                    code(f.field) if f.label == f.field else f"{code(f.label)} ({code(f.field)})"
                )
                old, new = code(_shown(f, f.old, lang)), code(_shown(f, f.new, lang))
                lines.append(f"  - {label} : {old} → {new}")
        lines.append("")
    if diff.documents:
        lines += [f"#### {w['documents']}", ""]
        lines += [f"- {_document_line(d, lang, code)}" for d in diff.documents]
        lines.append("")
    if diff.totals:
        lines += [f"#### {w['totals']}", ""]
        lines += [f"- {_total_line(t, lang, code)}" for t in diff.totals]
        lines.append("")
    for key, problems in (("introduced", diff.introduced), ("fixed", diff.fixed)):
        if problems:
            lines += [f"#### {w[key]}", ""]
            lines += [
                f"- {code(f'{p.path}:{p.line}:{p.column}')} {p.severity} : {code(p.message)} "
                f"{code(p.code)}"
                for p in problems
            ]
            lines.append("")
    if diff.incomplete:
        lines += [_incomplete(diff, lang), ""]
    return "\n".join(lines).rstrip() + "\n"


def as_json(diff: ReviewDiff) -> str:
    """The diff as JSON (amounts as strings, dates ISO)."""

    def value(v: Any) -> Any:
        if isinstance(v, Decimal):
            return str(v)
        if hasattr(v, "isoformat"):
            return v.isoformat()
        if isinstance(v, list | tuple):
            return [value(x) for x in v]
        if isinstance(v, dict):
            return {str(k): value(x) for k, x in v.items()}
        return v

    def problem(p: Problem) -> dict[str, Any]:
        return p.as_dict()

    data = {
        "base": diff.base,
        "head": diff.head,
        "records": [
            {
                "path": m.path,
                "name": m.name,
                "status": m.status,
                "old_path": m.old_path,
                "unreadable": m.unreadable,
                "fields": [
                    {"field": f.field, "label": f.label, "old": value(f.old), "new": value(f.new)}
                    for f in m.fields
                ],
            }
            for m in diff.records
        ],
        "documents": [
            {
                "number": d.number,
                "kind": d.kind,
                "status": d.status,
                "party": d.party,
                "net": str(d.net),
                "gross": str(d.gross),
                "issued": value(d.issued),
            }
            for d in diff.documents
        ],
        "totals": [
            {
                "key": t.key,
                "subject": t.subject,
                "detail": t.detail,
                "old": value(t.old),
                "new": value(t.new),
            }
            for t in diff.totals
        ],
        "problems_introduced": [problem(p) for p in diff.introduced],
        "problems_fixed": [problem(p) for p in diff.fixed],
        "incomplete": list(diff.incomplete),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
