"""The catalogue of problem codes: stable code → severity, French and English texts.

Codes are part of Carnet's interface (README lists them, editors and scripts match on
them): never rename one. Texts are ``str.format`` templates filled with the problem's
parameters; a hint may be ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.problems import Severity


@dataclass(frozen=True, slots=True)
class Message:
    """The texts of one problem code."""

    severity: str
    fr: str
    en: str
    hint_fr: str | None = None
    hint_en: str | None = None
    family: str = "données"


_QUOTE_FR = "mettez la valeur entre guillemets : {quoted}"
_QUOTE_EN = "quote the value: {quoted}"

CATALOGUE: dict[str, Message] = {
    # --- files and YAML syntax -----------------------------------------------------------
    "file-empty": Message(
        "error",
        "fichier vide",
        "empty file",
        "un enregistrement contient au moins les champs obligatoires",
        "a record holds at least its required fields",
        "fichiers",
    ),
    "file-not-mapping": Message(
        "error",
        "le fichier doit contenir un dictionnaire « clé: valeur », pas {found}",
        "the file must hold a 'key: value' mapping, not {found}",
        None,
        None,
        "fichiers",
    ),
    "file-yml-extension": Message(
        "warning",
        "extension .yml ignorée : renommez le fichier en .yaml",
        ".yml file ignored: rename it to .yaml",
        "git mv {file} {suggestion}",
        "git mv {file} {suggestion}",
        "fichiers",
    ),
    "file-unexpected": Message(
        "warning",
        "fichier inattendu : les enregistrements vont dans {folders}",
        "unexpected file: records live in {folders}",
        None,
        None,
        "fichiers",
    ),
    "file-unreadable": Message(
        "error",
        "fichier illisible (lien cassé, droits, ou pas un fichier ordinaire)",
        "unreadable file (broken link, permissions, or not a regular file)",
        None,
        None,
        "fichiers",
    ),
    "settings-missing": Message(
        "error",
        "data/settings.yaml est absent",
        "data/settings.yaml is missing",
        "créez-le à partir de l'exemple du README",
        "create it from the README's example",
        "fichiers",
    ),
    "encoding-invalid": Message(
        "error",
        "le fichier n'est pas en UTF-8 (il semble encodé en {encoding})",
        "the file is not UTF-8 (it looks like {encoding})",
        "réenregistrez-le en UTF-8 depuis votre éditeur",
        "save it again as UTF-8 from your editor",
        "YAML",
    ),
    "yaml-syntax": Message(
        "error",
        "syntaxe YAML invalide : {detail}",
        "invalid YAML syntax: {detail}",
        "{hint}",
        "{hint}",
        "YAML",
    ),
    "yaml-tab": Message(
        "error",
        "tabulation interdite dans l'indentation YAML",
        "tab character in YAML indentation",
        "indentez avec des espaces (2 par niveau)",
        "indent with spaces (2 per level)",
        "YAML",
    ),
    "yaml-multiple-documents": Message(
        "error",
        "un fichier ne contient qu'un seul enregistrement (séparateur « --- » en trop)",
        "a file holds a single record (extra '---' separator)",
        None,
        None,
        "YAML",
    ),
    "yaml-duplicate-key": Message(
        "error",
        "clé « {key} » en double (déjà définie ligne {first_line})",
        "duplicate key '{key}' (already set on line {first_line})",
        "YAML garderait silencieusement la dernière valeur : supprimez l'une des deux",
        "YAML would silently keep the last one: remove one of them",
        "YAML",
    ),
    "yaml-anchor": Message(
        "error",
        "ancre YAML « &{name} » non autorisée",
        "YAML anchor '&{name}' not allowed",
        "recopiez la valeur au lieu d'utiliser ancres et alias",
        "write the value out instead of anchors and aliases",
        "YAML",
    ),
    "yaml-alias": Message(
        "error",
        "alias YAML « *{name} » non autorisé",
        "YAML alias '*{name}' not allowed",
        "recopiez la valeur au lieu d'utiliser ancres et alias",
        "write the value out instead of anchors and aliases",
        "YAML",
    ),
    "yaml-tag": Message(
        "error",
        "étiquette YAML « {tag} » non autorisée",
        "YAML tag '{tag}' not allowed",
        "retirez l'étiquette ; mettez la valeur entre guillemets si c'est du texte",
        "remove the tag; quote the value if it is text",
        "YAML",
    ),
    "yaml-merge": Message(
        "error",
        "clé de fusion YAML « << » non autorisée",
        "YAML merge key '<<' not allowed",
        "recopiez les champs au lieu de les fusionner",
        "write the fields out instead of merging them",
        "YAML",
    ),
    "yaml-key-not-string": Message(
        "error",
        "la clé « {key} » n'est pas du texte (YAML la lit comme {found})",
        "key '{key}' is not text (YAML reads it as {found})",
        "mettez la clé entre guillemets",
        "quote the key",
        "YAML",
    ),
    "yaml-boolean": Message(
        "error",
        "« {text} » est lu par YAML comme le booléen {value}, pas comme du texte",
        "'{text}' is read by YAML as the boolean {value}, not as text",
        _QUOTE_FR,
        _QUOTE_EN,
        "YAML",
    ),
    "yaml-number": Message(
        "error",
        "« {text} » est lu par YAML comme le nombre {value}, pas comme du texte{detail}",
        "'{text}' is read by YAML as the number {value}, not as text{detail}",
        _QUOTE_FR,
        _QUOTE_EN,
        "YAML",
    ),
    "date-invalid": Message(
        "error",
        "date impossible : {text}",
        "impossible date: {text}",
        "format attendu AAAA-MM-JJ, par exemple 2026-03-21",
        "expected YYYY-MM-DD, e.g. 2026-03-21",
        "YAML",
    ),
    # --- schema ----------------------------------------------------------------------------
    "field-missing": Message(
        "error",
        "champ obligatoire « {field} » absent",
        "required field '{field}' is missing",
        None,
        None,
        "schéma",
    ),
    "field-unknown": Message(
        "warning",
        "champ inconnu « {field} »",
        "unknown field '{field}'",
        "{suggestion}",
        "{suggestion}",
        "schéma",
    ),
    "type-invalid": Message(
        "error",
        "« {field} » : {expected} attendu, trouvé {found}",
        "'{field}': expected {expected}, found {found}",
        None,
        None,
        "schéma",
    ),
    "value-invalid": Message(
        "error",
        "« {field} » : valeur invalide ({detail})",
        "'{field}': invalid value ({detail})",
        None,
        None,
        "schéma",
    ),
    "enum-invalid": Message(
        "error",
        "« {field} » : « {value} » n'est pas une valeur permise",
        "'{field}': '{value}' is not an allowed value",
        "valeurs permises : {allowed}",
        "allowed values: {allowed}",
        "schéma",
    ),
    "id-invalid": Message(
        "error",
        "identifiant « {id} » invalide : le nom de fichier ne peut contenir que a-z, 0-9 et -",
        "invalid id '{id}': a file name may only hold a-z, 0-9 and -",
        "renommez le fichier en {suggestion}.yaml",
        "rename the file to {suggestion}.yaml",
        "identifiants",
    ),
    "id-duplicate": Message(
        "error",
        "identifiant « {id} » en double (aussi {other})",
        "duplicate id '{id}' (also {other})",
        "les identifiants sont uniques dans tous les sous-dossiers",
        "ids are unique across sub-folders",
        "identifiants",
    ),
    # --- references ------------------------------------------------------------------------
    "ref-unknown": Message(
        "error",
        "{target} « {id} » inconnu(e)",
        "unknown {target} '{id}'",
        "{suggestion}",
        "{suggestion}",
        "références",
    ),
    "kind-unknown": Message(
        "error",
        "type d'interaction « {kind} » inconnu (pipelines : {allowed})",
        "unknown interaction kind '{kind}' (pipelines: {allowed})",
        "{suggestion}",
        "{suggestion}",
        "pipelines",
    ),
    "stage-invalid": Message(
        "error",
        "« {stage} » n'est pas une étape du pipeline {pipeline}",
        "'{stage}' is not a stage of the {pipeline} pipeline",
        "{suggestion}",
        "{suggestion}",
        "pipelines",
    ),
    "settings-stage-unknown": Message(
        "error",
        "« {stage} » ({field}) n'est pas une étape du pipeline {pipeline}",
        "'{stage}' ({field}) is not a stage of the {pipeline} pipeline",
        None,
        None,
        "pipelines",
    ),
    "budget-sign": Message(
        "error",
        "budget {sign} pour une interaction {pipeline} : il doit être {expected}",
        "{sign} budget for a {pipeline} interaction: it must be {expected}",
        "{hint}",
        "{hint}",
        "pipelines",
    ),
    "budget-on-document": Message(
        "error",
        "budget saisi sur un document commercial : il est calculé (total HT)",
        "budget typed on a commercial document: it is computed (total excl. VAT)",
        "supprimez la ligne « budget »",
        "remove the 'budget' line",
        "documents",
    ),
    "list-value-unknown": Message(
        "error",
        "{field} « {value} » absent de settings.{setting}",
        "{field} '{value}' is not in settings.{setting}",
        "{suggestion}",
        "{suggestion}",
        "paramètres",
    ),
    "contact-company-mismatch": Message(
        "warning",
        "le contact « {contact} » travaille chez « {contact_company} », pas chez « {company} »",
        "contact '{contact}' works for '{contact_company}', not '{company}'",
        None,
        None,
        "références",
    ),
    # --- dates, agenda ---------------------------------------------------------------------
    "dates-order": Message(
        "error",
        "la fin ({end}) précède le début ({start})",
        "end ({end}) is before start ({start})",
        None,
        None,
        "agenda",
    ),
    "recurrence-invalid": Message(
        "error",
        "règle de récurrence illisible : {detail}",
        "unreadable recurrence rule: {detail}",
        "exemple : FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260630",
        "example: FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260630",
        "agenda",
    ),
    "recurrence-without-start": Message(
        "error",
        "une récurrence demande une heure de début (« start »)",
        "a recurrence needs a start time ('start')",
        None,
        None,
        "agenda",
    ),
    "resource-conflict": Message(
        "error",
        "{resource} déjà réservé(e) le {when} par {other}",
        "{resource} already booked on {when} by {other}",
        None,
        None,
        "agenda",
    ),
    # --- identifiers -----------------------------------------------------------------------
    "siret-invalid": Message(
        "error",
        "SIRET « {value} » invalide ({detail})",
        "invalid SIRET '{value}' ({detail})",
        "14 chiffres dont la clé de Luhn",
        "14 digits with a Luhn check digit",
        "identifiants légaux",
    ),
    "siren-invalid": Message(
        "error",
        "SIREN « {value} » invalide ({detail})",
        "invalid SIREN '{value}' ({detail})",
        "9 chiffres dont la clé de Luhn",
        "9 digits with a Luhn check digit",
        "identifiants légaux",
    ),
    "siren-siret-mismatch": Message(
        "error",
        "le SIRET {siret} n'appartient pas au SIREN {siren}",
        "SIRET {siret} does not belong to SIREN {siren}",
        None,
        None,
        "identifiants légaux",
    ),
    "vat-number-invalid": Message(
        "error",
        "numéro de TVA intracommunautaire « {value} » invalide ({detail})",
        "invalid EU VAT number '{value}' ({detail})",
        "{hint}",
        "{hint}",
        "identifiants légaux",
    ),
    "iban-invalid": Message(
        "error",
        "IBAN « {value} » invalide ({detail})",
        "invalid IBAN '{value}' ({detail})",
        None,
        None,
        "identifiants légaux",
    ),
    "bic-invalid": Message(
        "error",
        "BIC « {value} » invalide ({detail})",
        "invalid BIC '{value}' ({detail})",
        None,
        None,
        "identifiants légaux",
    ),
    "email-invalid": Message(
        "error",
        "adresse e-mail « {value} » invalide",
        "invalid email address '{value}'",
        None,
        None,
        "identifiants légaux",
    ),
    "vat-rate-unknown": Message(
        "error",
        "taux de TVA {rate} % absent de settings.vat_rates ({allowed})",
        "VAT rate {rate}% not in settings.vat_rates ({allowed})",
        None,
        None,
        "documents",
    ),
    "number-duplicate": Message(
        "error",
        "numéro de document « {number} » déjà utilisé par {other}",
        "document number '{number}' already used by {other}",
        None,
        None,
        "documents",
    ),
    # --- stock -----------------------------------------------------------------------------
    "serials-count": Message(
        "error",
        "{count} numéro(s) de série pour une quantité de {quantity}",
        "{count} serial number(s) for a quantity of {quantity}",
        "un produit suivi par numéro de série porte un numéro par exemplaire",
        "a serial-tracked product carries one serial per item",
        "stock",
    ),
    "serial-duplicate": Message(
        "error",
        "numéro de série « {serial} » répété sur la ligne",
        "serial number '{serial}' repeated on the line",
        None,
        None,
        "stock",
    ),
    "quantity-not-whole": Message(
        "error",
        "quantité {quantity} : un produit suivi par numéro de série se compte en unités entières",
        "quantity {quantity}: a serial-tracked product is counted in whole units",
        None,
        None,
        "stock",
    ),
    "serials-untracked": Message(
        "warning",
        "numéros de série sur « {product} », qui n'est pas suivi par numéro de série",
        "serial numbers on '{product}', which is not serial-tracked",
        "ajoutez serial_tracked: true au produit",
        "add serial_tracked: true to the product",
        "stock",
    ),
    "stock-unmanaged": Message(
        "error",
        "mouvement de stock sur « {product} », dont le stock n'est pas géré",
        "stock movement on '{product}', whose stock is not managed",
        "ajoutez stock_managed: true au produit",
        "add stock_managed: true to the product",
        "stock",
    ),
    "stock-negative": Message(
        "error",
        "le stock de « {product} » passe à {level} le {date}",
        "stock of '{product}' goes down to {level} on {date}",
        "le mouvement sort plus que le stock disponible ({available})",
        "the movement takes out more than is in stock ({available})",
        "stock",
    ),
    "serial-not-in-stock": Message(
        "error",
        "numéro de série « {serial} » de « {product} » absent du stock le {date}",
        "serial number '{serial}' of '{product}' not in stock on {date}",
        "{suggestion}",
        "{suggestion}",
        "stock",
    ),
    "serial-already-in-stock": Message(
        "error",
        "numéro de série « {serial} » de « {product} » déjà en stock le {date}",
        "serial number '{serial}' of '{product}' already in stock on {date}",
        None,
        None,
        "stock",
    ),
    # --- environment -----------------------------------------------------------------------
    "history-unavailable": Message(
        "info",
        "{reason} : pas d'historique des fiches",
        "{reason_en}: no history of records",
        "{hint}",
        "{hint_en}",
        "environnement",
    ),
    "cache-unreadable": Message(
        "info",
        "cache illisible, ignoré ({detail})",
        "unreadable cache, ignored ({detail})",
        None,
        None,
        "environnement",
    ),
}


def render(code: str, lang: str, params: dict[str, Any]) -> tuple[str, str | None, Severity]:
    """Message, hint and default severity of ``code`` in ``lang`` (``fr`` or ``en``)."""
    from generator.problems import Severity

    entry = CATALOGUE[code]
    english = lang.startswith("en")
    template = entry.en if english else entry.fr
    hint_template = entry.hint_en if english else entry.hint_fr
    values = _Defaults(params)
    message = template.format_map(values)
    hint = hint_template.format_map(values) if hint_template else None
    return message, (hint or None), Severity(entry.severity)


class _Defaults(dict[str, Any]):
    """Format parameters where a missing one renders as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def markdown_table(lang: str = "fr") -> str:
    """The README's table of problem codes (one row per code)."""

    class _Dots(dict[str, Any]):
        def __missing__(self, key: str) -> str:
            return "…"

    rows = []
    for code, entry in CATALOGUE.items():
        text = (entry.en if lang.startswith("en") else entry.fr).format_map(_Dots())
        rows.append(
            f"| `{code}` | {entry.severity} | {entry.family} | {text.replace('|', chr(92) + '|')} |"
        )
    return "\n".join(rows)
