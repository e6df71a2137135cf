"""``carnet proposals``: apply a partner's proposal file (as a branch to review, or here)
and list the proposals waiting for review."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import Env, load_valid, require_repo, writing
from generator.problems import Refused


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def proposals() -> None:
    """Propositions des partenaires (extranet.proposals) : appliquer, lister.

    \b
    Exemples :
      carnet proposals apply proposition-jeanne-sapin-2026-11-25.json
      carnet proposals list
    """


def _message(review: object, env: Env) -> str:
    r = review  # a generator.extranet.review.Review
    lines = [f"Proposition : {r.subject}"[:72], ""]  # type: ignore[attr-defined]
    lines += [f"{field} : {old or '—'} → {new or '—'}" for field, old, new in r.diff]  # type: ignore[attr-defined]
    lines += ["", f"Proposed-by: {r.person}", f"Carnet-Proposal: {r.proposal.nonce}"]  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n"


@proposals.command(name="apply")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Montre la différence sans rien écrire.")
@click.option(
    "--here", is_flag=True, help="Applique sur la branche courante (sinon : une branche à relire)."
)
@click.pass_obj
def apply_command(env: Env, file: Path, dry_run: bool, here: bool) -> None:
    """Vérifie une proposition reçue d'un extranet, montre sa différence et l'écrit.

    Refusée si la personne est inconnue ou retirée, si le fichier a été modifié, si la
    fiche n'est pas dans l'extranet, si un champ n'est pas modifiable, ou si la fiche a
    changé depuis (conflit : les deux valeurs). Écrite en commit de Carnet sur une branche
    proposals/<personne>/<date>, à relire et fusionner (--here : sur la branche courante).

    \b
    Exemples :
      carnet proposals apply proposition-jeanne-sapin.json --dry-run
      carnet proposals apply proposition-jeanne-sapin.json
    """
    from generator.extranet.proposals import open_proposal
    from generator.extranet.review import review
    from generator.history.proposals import commit_to_branch, free_branch, proposal_seen

    require_repo(env)
    try:
        raw = file.read_bytes()[: 1024 * 1024]
    except OSError:
        raise Refused("proposal-unreadable") from None
    with writing(env, commits=here and not dry_run) as session:
        _, book = load_valid(env)
        proposal = open_proposal(raw, book, env.repo)
        if not dry_run and proposal_seen(env.repo, proposal.nonce):
            raise Refused("proposal-replayed", nonce=proposal.nonce)
        found = review(env.repo, book, proposal)
        click.echo(found.path)
        for field, old, new in found.diff:
            click.echo(f"  {field} : {old or '—'} → {new or '—'}")
        if dry_run:
            return
        message = _message(found, env)
        if here:
            session.save(found.changes, message)
            return
        day = proposal.created[:10] if len(proposal.created) >= 10 else env.today.isoformat()
        branch = free_branch(env.repo, f"proposals/{proposal.person}/{day}")
        commit = commit_to_branch(env.repo, branch, found.changes.contents(), message)
        click.echo(env.say(f"branche {branch} : {commit}", f"branch {branch}: {commit}"))


@proposals.command(name="list")
@click.pass_obj
def list_command(env: Env) -> None:
    """Liste les propositions en attente (branches proposals/… non fusionnées).

    \b
    Exemple :
      carnet proposals list
    """
    from generator.history.proposals import pending_proposals

    require_repo(env)
    pending = pending_proposals(env.repo)
    for branch, day, subject in pending:
        click.echo(f"{branch}\t{day}\t{subject}")
    if not pending:
        click.echo(env.say("aucune proposition en attente", "no pending proposal"), err=True)
