"""A hostile ``mkdocs.yml``: nothing in it runs code, reads a file or reaches the HTML raw.

Carnet reads the repository's ``mkdocs.yml`` with a safe loader, keeps what a firm may
set (theme name, palette, logo, favicon, features, language; ``site_url``,
``site_name``, ``copyright``, ``extra``; a fixed set of Markdown extensions) and writes
the configuration MkDocs reads. Anything else is ``mkdocs-config-unsafe`` at its
``path:line:col``, exit 1, nothing built — unless ``--trust-config``.
"""

from __future__ import annotations

import os
import re
import threading
from datetime import date
from pathlib import Path

import pytest

from generator.problems import Refused
from generator.site.serve import serve_site
from tests.hostile.conftest import TODAY, assert_no_crash, commit_all, snapshot

UNSAFE = "mkdocs-config-unsafe"
BASE = (Path(__file__).resolve().parents[2] / "mkdocs.yml").read_text(encoding="utf-8")


def configure(repo: Path, text: str) -> None:
    """Replace the repository's ``mkdocs.yml``."""
    (repo / "mkdocs.yml").write_text(text, encoding="utf-8")


def assert_refused(result, line: int, column: int, code: str = UNSAFE) -> None:
    """Exit 1, the problem at ``mkdocs.yml:line:column``, no crash, no site."""
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert f"mkdocs.yml:{line}:{column}: error: " in result.output, result.output
    assert f"[{code}]" in result.output, result.output


def assert_nothing_built(repo: Path) -> None:
    site = repo / "build" / "site"
    assert not site.exists() or not any(site.iterdir())


def test_python_tag_runs_nothing(carnet, repo: Path, outside: Path) -> None:
    canary = outside / "canary"
    configure(repo, BASE + f'x: !!python/object/apply:os.system ["touch {canary}"]\n')
    result = carnet(repo, "build")
    assert_refused(result, BASE.count("\n") + 1, 4)
    assert "!!python/object/apply:os.system" in result.output
    assert not canary.exists()
    assert_nothing_built(repo)


def test_env_tag_reads_no_environment(carnet, repo: Path) -> None:
    configure(repo, BASE + "copyright: !ENV CARNET_TEST_SECRET\n")
    result = carnet(repo, "build", env={"CARNET_TEST_SECRET": "SECRET-7f3a9c"})
    assert_refused(result, BASE.count("\n") + 1, 12)
    assert_nothing_built(repo)


def test_hooks_are_refused(carnet, repo: Path, outside: Path) -> None:
    canary = outside / "canary"
    (repo / "hook.py").write_text(
        f"from pathlib import Path\nPath({str(canary)!r}).write_text('ran')\n", encoding="utf-8"
    )
    configure(repo, BASE + "hooks:\n  - hook.py\n")
    result = carnet(repo, "build")
    assert_refused(result, BASE.count("\n") + 1, 1)
    assert "hooks" in result.output
    assert not canary.exists()
    assert_nothing_built(repo)


def test_custom_dir_templates_are_refused(carnet, repo: Path, outside: Path) -> None:
    canary = outside / "canary"
    overrides = repo / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(
        f"{{% extends 'base.html' %}}{{{{ lipsum.__globals__.os.system('touch {canary}') }}}}",
        encoding="utf-8",
    )
    configure(
        repo, BASE.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    )
    result = carnet(repo, "build")
    assert_refused(result, 6, 3)
    assert "custom_dir" in result.output
    assert not canary.exists()
    assert_nothing_built(repo)


@pytest.mark.parametrize(
    ("extra", "line", "column"),
    [
        ("plugins:\n  - search\n  - material/privacy\n", 3, 5),
        ("markdown_extensions:\n  - pymdownx.snippets:\n      base_path: ../outside\n", 2, 5),
        (
            "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
            "        - {name: x, class: x, format: os.system}\n",
            2,
            5,
        ),
        ("markdown_extensions:\n  - toc:\n      slugify: os.system\n", 3, 7),
        ("INHERIT: ../outside/evil.yml\n", 1, 1),
        ("theme:\n  name: material\n  logo: ../../outside/secret.txt\n", 3, 9),
        ("theme:\n  name: material\n  favicon: /etc/passwd\n", 3, 12),
        ("theme:\n  name: material\n  font: {text: Roboto}\n", 3, 9),
        ("extra:\n  homepage: ' JaVa\tScript:alert(1)'\n", 2, 13),
        ("extra:\n  analytics: {provider: google, property: G-XXXX}\n", 2, 3),
        ("site_url: javascript:alert(1)\n", 1, 11),
        ("docs_dir: ../outside\n", 1, 1),
        ("site_dir: ../outside\n", 1, 1),
        ("dev_addr: 0.0.0.0:80\n", 1, 1),
        ("theme:\n  name: material\n  language: ../../../outside/secret\n", 3, 13),
    ],
)
def test_settings_outside_the_allow_list_are_refused(
    carnet, repo: Path, outside: Path, extra: str, line: int, column: int
) -> None:
    before = snapshot(outside)
    configure(repo, extra)
    result = carnet(repo, "build")
    assert_refused(result, line, column)
    assert "--trust-config" in result.output  # the hint says how a trusted firm goes on
    assert_nothing_built(repo)
    assert snapshot(outside) == before


def test_installed_theme_only(carnet, repo: Path) -> None:
    configure(repo, "theme:\n  name: my-theme\n")
    result = carnet(repo, "build")
    assert_refused(result, 2, 9, "mkdocs-config-invalid")
    assert "material" in result.output  # the themes Carnet knows are listed
    assert_nothing_built(repo)


def test_every_refusal_is_reported_at_once(carnet, repo: Path) -> None:
    configure(repo, "hooks: [a.py]\nplugins: [macros]\ntheme: {name: material, custom_dir: x}\n")
    result = carnet(repo, "build")
    for line, column in ((1, 1), (2, 11), (3, 25)):
        assert f"mkdocs.yml:{line}:{column}: error: " in result.output, result.output


@pytest.mark.parametrize(
    ("text", "line", "column", "code", "detail"),
    [
        ("theme:\n  name: material\n  palette: [\n", 4, 1, "yaml-syntax", "expected node content"),
        ("- theme\n- material\n", 1, 1, "file-not-mapping", "une liste"),
        ("theme: material\nsite_url: 12\n", 2, 11, "mkdocs-config-invalid", "site_url"),
    ],
)
def test_a_bad_mkdocs_yml_is_located_with_detail(
    carnet, repo: Path, text: str, line: int, column: int, code: str, detail: str
) -> None:
    configure(repo, text)
    result = carnet(repo, "build")
    assert_refused(result, line, column, code)
    assert detail in result.output
    assert_nothing_built(repo)


def test_the_allowed_settings_reach_the_site_escaped(carnet, repo: Path) -> None:
    configure(
        repo,
        "theme:\n"
        "  name: material\n"
        "  language: fr\n"
        "  palette:\n"
        "    primary: indigo\n"
        "    toggle: {icon: material/brightness-7, name: '\"><script>alert(2)</script>'}\n"
        "  features: [navigation.top]\n"
        "site_url: https://intranet.example.fr/carnet/\n"
        "copyright: '<script>alert(1)</script> Atelier'\n"
        "extra:\n"
        "  generator: false\n"
        "  social:\n"
        "    - icon: fontawesome/brands/mastodon\n"
        "      link: 'https://m.example/\"><script>alert(3)</script>'\n"
        "markdown_extensions:\n"
        "  - admonition\n"
        "  - toc: {permalink: true}\n",
    )
    result = carnet(repo, "build")
    assert result.exit_code == 0, result.output
    page = (repo / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-primary="indigo"' in page
    assert 'href="https://intranet.example.fr/carnet/"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Atelier" in page
    assert "https://m.example/" in page
    assert "<script>alert" not in page


def test_the_example_configuration_is_accepted(carnet, repo: Path) -> None:
    result = carnet(repo, "build")
    assert result.exit_code == 0, result.output
    assert "mkdocs.yml" not in result.output.replace("mkdocs: ", "")
    generated = next((repo / "build" / ".carnet-site").glob("*/mkdocs.yml")).read_text()
    assert "INHERIT" not in generated  # MkDocs never parses the repository's file


def test_trust_config_passes_the_firm_file_through(carnet, repo: Path) -> None:
    (repo / "hook.py").write_text(
        "from pathlib import Path\n"
        "def on_post_build(config):\n"
        "    Path(config.site_dir, 'hook-ran.txt').write_text('yes')\n",
        encoding="utf-8",
    )
    configure(repo, BASE + "hooks:\n  - hook.py\n")
    assert carnet(repo, "build").exit_code == 1
    result = carnet(repo, "build", "--trust-config")
    assert result.exit_code == 0, result.output
    assert (repo / "build" / "site" / "hook-ran.txt").read_text() == "yes"


def test_trust_config_reports_a_syntax_error_located(carnet, repo: Path) -> None:
    configure(repo, "theme:\n  name: material\n  palette: [\n")
    result = carnet(repo, "build", "--trust-config")
    assert_refused(result, 4, 1, "yaml-syntax")


def test_time_travel_uses_the_checked_working_tree_configuration(
    carnet, repo: Path, outside: Path
) -> None:
    """``--at REV`` reads data from git but the configuration of the working tree: it is
    checked the same way (an old commit cannot smuggle one in either)."""
    canary = outside / "canary"
    configure(repo, BASE + f'x: !!python/object/apply:os.system ["touch {canary}"]\n')
    result = carnet(repo, "build", "--at", "HEAD", "--out", str(repo / "build" / "juin"))
    assert_refused(result, BASE.count("\n") + 1, 4)
    assert not canary.exists()
    commit_all(repo, "Configuration hostile")
    configure(repo, BASE)
    result = carnet(repo, "build", "--at", "HEAD", "--out", str(repo / "build" / "juin"))
    assert result.exit_code == 0, result.output
    assert not canary.exists()


def test_serve_refuses_to_start_on_an_unsafe_configuration(
    carnet, repo: Path, outside: Path
) -> None:
    canary = outside / "canary"
    configure(repo, BASE + f'x: !!python/object/apply:os.system ["touch {canary}"]\n')
    servers: list = []
    outcomes: list[object] = []

    def attempt() -> None:
        try:
            serve_site(repo, port=0, today=date.fromisoformat(TODAY), on_ready=servers.append)
            outcomes.append("served")
        except Refused as refused:
            outcomes.append(refused.code)
        outcomes.append(carnet(repo, "serve", "--port", "0"))

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(60)
    if servers:  # it served: stop it, the test has failed
        servers[0].shutdown()
        thread.join(10)
    assert not servers, "the server started on an unsafe configuration"
    assert len(outcomes) == 2 and outcomes[0] == "serve-config-errors"
    result = outcomes[1]
    assert result.exit_code == 1, result.output
    assert f"mkdocs.yml:{BASE.count(chr(10)) + 1}:4: error: " in result.stderr
    assert "carnet: erreurs dans mkdocs.yml : site non servi" in result.stderr
    assert not canary.exists()


def test_serve_keeps_the_last_good_site_when_the_configuration_turns_unsafe(
    repo: Path, outside: Path
) -> None:
    """The watched ``mkdocs.yml`` edited into an attack: the rebuild is refused."""
    canary = outside / "canary"
    ready = threading.Event()
    servers: list = []

    def on_ready(server) -> None:
        servers.append(server)
        ready.set()

    thread = threading.Thread(
        target=serve_site,
        kwargs={"repo": repo, "port": 0, "today": date.fromisoformat(TODAY), "on_ready": on_ready},
        daemon=True,
    )
    thread.start()
    assert ready.wait(60), "the server did not start"
    server = servers[0]
    try:
        configure(repo, BASE + f'x: !!python/object/apply:os.system ["touch {canary}"]\n')
        server.builder()  # what the watcher calls on a change, run here to be deterministic
        assert not canary.exists()
        assert (repo / "build" / "serve" / "index.html").is_file()
    finally:
        server.shutdown()
        thread.join(10)


def test_no_file_of_the_repository_is_parsed_by_mkdocs(carnet, repo: Path) -> None:
    """The generated configuration names no file of the repository."""
    assert carnet(repo, "build").exit_code == 0
    generated = next((repo / "build" / ".carnet-site").glob("*/mkdocs.yml")).read_text()
    assert str(repo / "mkdocs.yml") not in generated
    assert not re.search(r"!!|!ENV|INHERIT|hooks", generated)
    assert os.path.isfile(repo / "build" / "site" / "index.html")


def test_a_link_to_a_file_outside_is_not_read(carnet, repo: Path, outside: Path) -> None:
    (outside / "mkdocs.yml").write_text("SECRET-7f3a9c: [\n", encoding="utf-8")
    (repo / "mkdocs.yml").unlink()
    (repo / "mkdocs.yml").symlink_to(outside / "mkdocs.yml")
    result = carnet(repo, "build")
    assert_refused(result, 1, 1)
    assert "SECRET" not in result.output
    assert_nothing_built(repo)


@pytest.mark.parametrize(
    "extension", ["toc: {toc_depth: [1, 2]}", "toc: {no_such_option: 1}", "tables: {x: 1}"]
)
def test_an_option_markdown_refuses_is_located(carnet, repo: Path, extension: str) -> None:
    configure(repo, f"theme: material\nmarkdown_extensions:\n  - {extension}\n")
    result = carnet(repo, "build")
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert "mkdocs.yml:2:1: error: " in result.output or "mkdocs.yml:3:" in result.output
    assert 'File "' not in result.output  # no traceback of MkDocs either
    assert_nothing_built(repo)


# --- Shapes: every value the allow-list looks at may have any YAML type ----------------------

SHAPES = [
    ("extra: {social: 5}\n", "extra.social"),
    ("extra: {social: [x]}\n", "extra.social"),
    ("extra: {social: [{link: 'https://x.example'}]}\n", "extra.social"),
    ("extra: {social: {a: 1}}\n", "extra.social"),
    ("extra: {alternate: 5}\n", "extra.alternate"),
    ("extra: {alternate: [[1]]}\n", "extra.alternate"),
    ("extra: {consent: {cookies: 5}}\n", "extra.consent.cookies"),
    ("extra: {consent: {actions: 5}}\n", "extra.consent.actions"),
    ("extra: {consent: 5}\n", "extra.consent"),
    ("extra: {generator: [1]}\n", "extra.generator"),
    ("extra: {homepage: [1]}\n", "extra.homepage"),
    ("extra: {tags: 5}\n", "extra.tags"),
    ("extra: {polyfills: ['https://evil.example/x.js']}\n", "extra.polyfills"),
    ("plugins: [{search: [1]}]\n", "plugins.search"),
    ("plugins: {search: 5}\n", "plugins.search"),
    ("plugins: [{search: {lang: {a: 1}}}]\n", "plugins.search.lang"),
    ("theme: {name: [1]}\n", "theme.name"),
    ("theme: {name: {a: 1}}\n", "theme.name"),
    ('theme: {language: "fr\\0"}\n', "theme.language"),
    ('theme: {palette: {toggle: {icon: "material/x\\0"}}}\n', "theme.palette.toggle.icon"),
    ('extra: {social: [{icon: "material/x\\0"}]}\n', "extra.social.icon"),
    ("theme: {palette: {toggle: 5}}\n", "theme.palette.toggle"),
    ("theme: {features: 5}\n", "theme.features"),
    ("markdown_extensions: [{toc: [1]}]\n", "markdown_extensions.toc"),
]


@pytest.mark.parametrize(("text", "key"), SHAPES)
def test_a_value_of_the_wrong_shape_is_a_located_problem(text: str, key: str) -> None:
    """Each one crashed the allow-list (TypeError, AttributeError, ValueError) or MkDocs
    later (« erreur inattendue »), or loaded another site's script (``polyfills``)."""
    from generator.files.yamlio import parse_bytes
    from generator.site.config_check import check_settings

    parsed = parse_bytes(text.encode(), "mkdocs.yml", "fr")
    _, problems = check_settings(parsed, text, "fr")
    assert problems, text
    assert {p.code for p in problems} <= {"mkdocs-config-unsafe", "mkdocs-config-invalid"}
    assert all(p.line >= 1 and p.column >= 1 for p in problems)
    assert any(f"« {key} »" in p.message for p in problems), [p.message for p in problems]


@pytest.mark.parametrize(
    "extra",
    ["social: 5", "social: [x]", "alternate: 5", "consent: {cookies: 5}", "polyfills: [x.js]"],
)
def test_a_build_with_a_bad_extra_is_refused_located(carnet, repo: Path, extra: str) -> None:
    configure(repo, BASE.replace("extra:\n", f"extra:\n  {extra}\n", 1))
    result = carnet(repo, "build")
    assert_no_crash(result)
    assert result.exit_code == 1, result.output
    assert re.search(r"mkdocs\.yml:\d+:\d+: error: ", result.output), result.output
    assert_nothing_built(repo)


def _yaml_values():
    from hypothesis import strategies as st

    words = st.sampled_from(
        ["material", "mkdocs", "fr", "search", "lang", "toc", "icon", "name", "link", "social",
         "material/brightness-7", "../x", "javascript:x", "a\x00b", "https://x.example", ""]
    )  # fmt: skip
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), words)
    keys = st.sampled_from(
        ["name", "language", "logo", "favicon", "features", "palette", "toggle", "icon",
         "scheme", "social", "link", "alternate", "consent", "cookies", "actions", "title",
         "generator", "homepage", "tags", "lang", "search", "toc", "permalink", "admonition"]
    )  # fmt: skip
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)
        ),
        max_leaves=10,
    )


def test_no_shape_crashes_the_allow_list() -> None:
    """Any YAML value under any allowed setting: problems or settings MkDocs can take
    (JSON), never an exception."""
    import json

    import yaml
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from generator.files.yamlio import parse_bytes
    from generator.site.config import SiteConfig, mkdocs_settings
    from generator.site.config_check import check_settings

    top = st.sampled_from(
        ["site_name", "site_url", "copyright", "extra", "theme", "plugins", "markdown_extensions"]
    )

    @settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(top, _yaml_values(), min_size=1, max_size=3))
    def check(document: dict) -> None:
        text = yaml.safe_dump(document, allow_unicode=True)
        parsed = parse_bytes(text.encode(), "mkdocs.yml", "fr")
        kept, problems = check_settings(parsed, text, "fr")
        assert all(p.line >= 1 for p in problems)
        if not problems:
            json.dumps(mkdocs_settings(SiteConfig(kept)))

    check()
