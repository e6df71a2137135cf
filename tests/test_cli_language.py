"""click's own texts (help screens, usage errors) and labels in French, English with --lang."""

from __future__ import annotations

from conftest import TODAY

from generator.cli.main import all_commands, main

CLICK_ENGLISH = ("Usage:", "Show this message and exit", "Options:\n", "Commands:")


class _Carnet:
    """``carnet ARGS…`` in-process, named as the user types it."""

    def __init__(self, runner) -> None:
        self.runner = runner

    def invoke(self, cli, args, **kwargs):
        return self.runner.invoke(cli, args, prog_name="carnet", **kwargs)


def test_help_screens_are_french_by_default(runner) -> None:
    runner = _Carnet(runner)
    for args in (["--help"], ["-h"], ["invoice", "pay", "-h"], ["stock", "-h"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "Utilisation : carnet" in result.output
        assert not [w for w in CLICK_ENGLISH if w in result.output], result.output
    top = runner.invoke(main, ["--help"]).output
    assert "Commandes" in top and "Affiche cette aide et quitte." in top
    assert "défaut :" in runner.invoke(main, ["validate", "-h"]).output


def test_help_screens_are_english_with_lang_en(runner) -> None:
    runner = _Carnet(runner)
    french = runner.invoke(main, ["invoice", "pay", "-h"]).output  # the same process, first
    english = runner.invoke(main, ["--lang", "en", "invoice", "pay", "-h"]).output
    assert "Usage: carnet invoice pay" in english
    assert "Show this message and exit." in english
    assert "Affiche cette aide" in french and "Affiche cette aide" not in english
    assert "Usage:" in runner.invoke(main, ["-h"], env={"CARNET_LANG": "en"}).output


def _commands(command, path="carnet"):
    """Every command of the tree with its path."""
    import click

    yield path, command
    if isinstance(command, click.Group):
        commands = all_commands() if command is main else command.commands
        for name, sub in commands.items():
            yield from _commands(sub, f"{path} {name}")


def test_every_command_and_option_has_its_english_help() -> None:
    """A command added without its English in cli/help.en.yaml fails here."""
    import inspect

    import click

    from generator.cli.language import english_help

    missing = []
    for path, command in _commands(main):
        if command.help and english_help(inspect.cleandoc(command.help)) is None:
            missing.append(path)
        for param in command.params:
            own = isinstance(param, click.Option) and "--version" not in param.opts
            if own and param.help and english_help(param.help) is None:
                missing.append(f"{path} {param.opts[0]}")
    assert not missing, missing


def test_carnet_s_own_help_is_english_with_lang_en(runner) -> None:
    runner = _Carnet(runner)
    for args in (
        ["--help"],
        ["invoice", "-h"],
        ["invoice", "pay", "-h"],
        ["stock", "receive", "-h"],
    ):
        french = runner.invoke(main, args).output
        english = runner.invoke(main, ["--lang", "en", *args]).output
        assert english != french
        for word in (" le ", " la ", " les ", " des ", "Exemple", "défaut", "DOSSIER", "QTÉ"):
            assert word not in english, (args, word, english)
    pay = runner.invoke(main, ["--lang", "en", "invoice", "pay", "-h"]).output
    assert "Records a payment received" in pay and "Date received (YYYY-MM-DD)." in pay
    assert "\n    carnet invoice pay F2026-0001 1500,00" in pay  # the example kept on its line
    listing = runner.invoke(main, ["--lang", "en", "invoice", "-h"]).output
    assert "pay     Records a payment received" in listing
    assert "Enregistre un versement" in runner.invoke(main, ["invoice", "pay", "-h"]).output


def test_usage_errors_are_french_by_default(runner) -> None:
    runner = _Carnet(runner)
    result = runner.invoke(main, ["invoice", "pay", "F2026-0001", "10"])
    assert result.exit_code == 2
    assert "Erreur : option manquante '--date'." in result.stderr
    assert "Essayez « carnet invoice pay --help » pour l'aide." in result.stderr
    assert "Utilisation : carnet invoice pay" in result.stderr
    unknown = runner.invoke(main, ["valdate"])
    assert unknown.exit_code == 2
    assert "commande inconnue « valdate »" in unknown.stderr
    assert "Vouliez-vous dire 'validate' ?" in unknown.stderr
    choice = runner.invoke(main, ["--lang", "de", "validate"])
    assert "« de » n'est pas l'une des valeurs 'fr', 'en'" in choice.stderr


def test_usage_errors_are_english_with_lang_en(runner) -> None:
    runner = _Carnet(runner)
    result = runner.invoke(main, ["--lang", "en", "invoice", "pay", "F2026-0001", "10"])
    assert result.exit_code == 2
    assert "Error: Missing option '--date'." in result.stderr
    assert "Try 'carnet invoice pay --help' for help." in result.stderr
    flag = runner.invoke(main, ["--lang=en", "validate", "--nope"])
    assert "Error: No such option '--nope'." in flag.stderr


def test_field_paths_are_shown_with_their_label(runner, tmp_path) -> None:
    runner = _Carnet(runner)
    from generator.testing import write_repo

    write_repo(
        tmp_path,
        {
            "data/companies/acme.yaml": "name: Acme\nkind: client\n",
            "data/interactions/fac.yaml": """\
                type: Vente - 6 - Gagné
                kind: sale
                subject: Facture
                date: 2026-03-01
                company: acme
                user: benoit
                state: done
                document:
                  kind: invoice
                  lines: [{description: Site, quantity: 1, unit_price: 100}]
                  payments:
                    - {amount: 10}
            """,
        },
    )
    args = ["--repo", str(tmp_path), "--today", TODAY.isoformat(), "validate"]
    french = runner.invoke(main, args)
    assert "Date (document.payments[1].date)" in french.stdout, french.stdout
    english = runner.invoke(main, ["--lang", "en", *args])
    assert "document.payments[1].date" in english.stdout
    assert "Date (" not in english.stdout


def test_labels_of_keys_are_french_on_pages() -> None:
    from generator.site.pages import plan, render_page
    from generator.testing import book_from_yaml

    book = book_from_yaml(
        {
            "data/companies/bois.yaml": "name: Bois du Jura\nkind: supplier\n",
            "data/projects/p.yaml": """\
                title: P
                start: 2026-01-01
                public: true
                extranet: {enabled: true, password_env: CARNET_X, kinds: [project, support]}
            """,
        }
    )
    pages = {spec.path: spec for spec in plan(book)}
    company = render_page(pages["societes/bois.md"], book, "fr")
    # (a visually hidden separator follows each value, for readable search excerpts)
    assert "<dd>fournisseur<" in company and "supplier" not in company
    project = render_page(pages["projets/p.md"], book, "fr")
    assert "activé (Projet, Support)" in project
    assert "<dd>publique<" in project


def test_the_page_of_a_missing_address_is_french(site) -> None:
    html = (site / "404.html").read_text(encoding="utf-8")
    assert "404 - Page introuvable" in html
    assert "Not found" not in html
