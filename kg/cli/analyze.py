"""``kg analyze``: the debate as a discourse network (DNA-compatible) and as an argument graph."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.console import Console

from kg.analysis import discourse, strength
from kg.cli import summary
from kg.cli.common import data_option, err, open_store, store_option
from kg.model.errors import KgError


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise KgError(f"{option}: expected a date YYYY-MM-DD, not {value!r}") from exc


@click.command(short_help=summary("analyze"))
@click.option("--actor", type=click.Choice(discourse.ACTOR_KINDS), default="person", show_default=True,
              help="Actors are the speakers (person, or an organisation speaking for itself) or the "
                   "organisations the statements were made for.")
@click.option("--aggregation", type=click.Choice(discourse.ONE_MODE_AGGREGATIONS), default="congruence",
              show_default=True, help="Actor x actor ties: same stance, opposite stance, the difference, "
                                      "or co-occurrence ignoring stance (DNA's qualifier aggregation).")
@click.option("--normalization", type=click.Choice(discourse.ONE_MODE_NORMALISATIONS), default="no",
              show_default=True, help="DNA's one-mode normalisation of tie weights.")
@click.option("--two-mode", "two_mode_aggregation", type=click.Choice(discourse.TWO_MODE_AGGREGATIONS),
              default="combine", show_default=True,
              help="Actor x claim values: statement counts, agree minus disagree, or 1 agree / 2 disagree "
                   "/ 3 both.")
@click.option("--two-mode-normalization", type=click.Choice(discourse.TWO_MODE_NORMALISATIONS), default="no",
              show_default=True, help="DNA's two-mode normalisation (by actor activity or claim prominence).")
@click.option("--from", "start", metavar="DATE", help="Only statements dated on or after DATE (YYYY-MM-DD).")
@click.option("--to", "end", metavar="DATE", help="Only statements dated on or before DATE.")
@click.option("--window", metavar="DURATION", help="Moving windows of this length (e.g. 365d, 8w, 6m, 1y).")
@click.option("--step", metavar="DURATION",
              help="Distance between window starts (default: the window length).")
@click.option("--semantics", type=click.Choice(list(strength.SEMANTICS)), default=strength.DF_QUAD.key,
              show_default=True, help="How claim strengths are computed: DF-QuAD (Rago et al. 2016) or "
                                      "the quadratic energy model (Potyka 2018).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the community detection.")
@click.option("--top", type=int, default=10, show_default=True, help="Rows per table in the report.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="A readable report, or JSON.")
@click.option("--export-dir", type=click.Path(path_type=Path), default=None,
              help="Also write GraphML, GEXF, CSV edge lists and CSV matrices into this folder.")
@store_option
@data_option
def analyze(actor: str, aggregation: str, normalization: str, two_mode_aggregation: str,
            two_mode_normalization: str, start: str | None, end: str | None, window: str | None,
            step: str | None, semantics: str, seed: int, top: int, fmt: str, export_dir: Path | None,
            store_spec: str | None, data_dir: Path) -> None:
    """Analyse the debate as a network: coalitions, conflicts, central actors, claims that stand.

    \b
    Discourse networks follow Leifeld's Discourse Network Analyzer (DNA): actors tied by
    congruence (same stance on the same claim), conflict (opposite stances) or their
    difference, normalised as DNA does (average activity, Jaccard, cosine). Beside it, the
    argument-aware network also ties actors whose claims support or attack each other, and
    finds coalitions that minimise frustration on the signed ties (Doreian & Mrvar 1996);
    polarisation is the share of cross-coalition and conflicting ties that are conflict, on
    the argument-aware network when links tie actors (DNA's own value: dna_polarisation).
    The argument graph (support/attack links between evidence and claims) says which claims
    stand under grounded semantics, how much evidence lies beneath each claim, and which are
    unsupported or rest on a single source.

    \b
    Which claims stand: every claim and evidence item gets a strength in [0, 1] under DF-QuAD
    (Rago et al. 2016) over the support/attack links: a base score (evidence from its kind,
    study design, sample size and number checks, by the score table in the ontology; claims 0.5)
    raised by supporters and lowered by attackers, with the contributions that moved it. The
    attack-only view (Dung's grounded semantics) is kept beside it.

    \b
    Dates: a statement's dct:date, or, when its source is undated, the earliest date the
    source can be (dkg:earliestDate). --from/--to/--window leave out undated statements.

    \b
    Examples:
      kg analyze
      kg analyze --actor organisation --aggregation subtract --normalization jaccard
      kg analyze --window 365d --step 30d -f json
      kg analyze --export-dir out/network     # GraphML, GEXF, CSV for Gephi and R
    """
    from kg.analysis import network as network_report
    from kg.render.analysis import print_report

    window_days = discourse.parse_duration(window, "--window") if window else None
    step_days = discourse.parse_duration(step, "--step") if step else None
    if step_days and not window_days:
        raise KgError("--step needs --window")
    options = network_report.Options(
        actor=actor, aggregation=aggregation, normalization=normalization,
        two_mode_aggregation=two_mode_aggregation, two_mode_normalization=two_mode_normalization,
        start=_day(start, "--from"), end=_day(end, "--to"), window_days=window_days,
        step_days=step_days, seed=seed, semantics=semantics,
    )
    if options.start and options.end and options.start > options.end:
        raise KgError("--from is after --to")
    with open_store(store_spec, data_dir) as graph_store:
        analysis = network_report.analyse(graph_store, options)
    if export_dir is not None:
        from kg.analysis.network_export import export

        written = export(analysis, export_dir)
        err.print(f"wrote {len(written)} files to {export_dir}", markup=False)
    if fmt == "json":
        click.echo(network_report.to_json(analysis))
    else:
        print_report(analysis, Console(highlight=False), top)
