"""The `searchapp` command: build and update the index, print stats, serve the API."""

from __future__ import annotations

import argparse
import errno
import os
import re
import socket
import sqlite3
import sys
from pathlib import Path

from searchapp import __version__
from searchapp.children import (
    WHAT_A_STOP_KEEPS,
    WorkerLost,
    catch_interrupts,
    interrupt_handled,
    run_niced,
)
from searchapp.cluster import ClusterUnavailable
from searchapp.config import Settings
from searchapp.engine import (
    BuildRefused,
    BuildStats,
    EngineError,
    Indexer,
    IndexStore,
    Searcher,
)
from searchapp.engine.declared import FacetDeclaration, parse_declarations
from searchapp.ingest import IngestReport, SourceError
from searchapp.ingest.layouts import parse_field_map

MAX_SKIPS_LISTED = 20
STDIN = "-"
DEBUG_VARIABLE = "SEARCHAPP_DEBUG"


def _store(args) -> IndexStore:
    settings = Settings.from_env(args.index_dir)
    return IndexStore(settings.index_dir, settings.keep_generations)


def _progress(desc: str):
    """A progress bar with articles/s on a terminal; silent when output is piped."""
    from tqdm import tqdm

    return tqdm(desc=desc, unit=" articles", disable=None, file=sys.stderr, smoothing=0.1)


def _size(num_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if num_bytes < 1024 or unit == "GB":
            return f"{num_bytes:.1f} {unit}" if unit != "B" else f"{num_bytes} B"
        num_bytes /= 1024
    return str(num_bytes)


def _report(report: IngestReport) -> None:
    """What was cleaned and skipped, by kind, with the first records of each listed (on
    stderr, with file and line), and the file-level hints."""
    for what, count in sorted(report.cleaned.items()):
        print(f"cleaned: {count} {what}")
    for reason, count in report.skipped_kinds.most_common():
        print(f"skipped: {count} {reason}")
    for hint in report.hints:
        print(f"hint: {hint}")
    for skipped in report.skipped[:MAX_SKIPS_LISTED]:
        print(f"skipped {skipped}", file=sys.stderr)
    if report.skipped_count > MAX_SKIPS_LISTED:
        print(f"... and {report.skipped_count - MAX_SKIPS_LISTED} more skipped", file=sys.stderr)
    for noted in report.notes[:MAX_SKIPS_LISTED]:
        print(f"kept {noted}", file=sys.stderr)
    listed = min(len(report.notes), MAX_SKIPS_LISTED)
    if report.noted_count > listed:
        print(f"... and {report.noted_count - listed} more kept with a repair or as a "
              "duplicate", file=sys.stderr)


def _summary(action: str, stats: BuildStats, report: IngestReport) -> None:
    """One line of counts that add up to the records read (indexed + replaced + duplicates
    + skipped), then what the write did to the index and what was repaired or skipped."""
    rate = (stats.indexed + stats.replaced) / stats.seconds if stats.seconds else 0.0
    replaced = f"{stats.replaced} replaced, " if action == "added" else ""
    duplicates = max(stats.duplicates, report.duplicates)
    repeated = (f", {duplicates} duplicate id{'s' * (duplicates != 1)} (the last record "
                "kept)" if duplicates else "")
    print(f"{action}: {stats.indexed} indexed, {replaced}{report.skipped_count} skipped"
          f"{repeated} in {stats.seconds:.1f}s ({rate:.0f} articles/s)")
    if stats.replayed:
        print(f"replayed: {stats.replayed} changes committed while the build ran")
    if stats.changes is not None:
        print(stats.changes.describe())
    print(f"generation: {stats.generation}, index size {_size(stats.size_bytes)}")
    _report(report)


class NothingAdded(ValueError):
    """An add that read no article it could index (every record skipped, or none)."""


def _check_added(stats: BuildStats, report: IngestReport) -> None:
    if stats.indexed + stats.replaced + stats.duplicates == 0:
        why = (f"all {report.skipped_count} records were skipped" if report.skipped_count
               else "the sources hold no records")
        raise NothingAdded(f"nothing was added: {why}; the index is unchanged")


def _cluster(args) -> str | None:
    """The Dask scheduler to enrich on: --cluster, else $SEARCHAPP_CLUSTER, else none."""
    from searchapp.cluster import CLUSTER_ENV

    return args.cluster or os.environ.get(CLUSTER_ENV) or None


def _layout(args):
    return parse_field_map(args.map) if args.map else None


WRITE_NICE_ENV = "SEARCHAPP_WRITE_NICE"
DEFAULT_WRITE_NICE = 10


def _write_nice() -> int:
    """The niceness builds and adds run at (and their extraction processes), so the workers
    answering queries on the same cores stay fast while people are extracted; on an idle
    machine it costs nothing."""
    try:
        return max(0, int(os.environ.get(WRITE_NICE_ENV, DEFAULT_WRITE_NICE)))
    except ValueError:
        return DEFAULT_WRITE_NICE


def _declared(args) -> list[FacetDeclaration] | None:
    """The build's facet fields: those given, none, or (None) the live index's."""
    if args.no_facet_fields:
        if args.facet_field:
            raise ValueError("--no-facet-fields and --facet-field cannot be combined")
        return []
    return parse_declarations(args.facet_field) if args.facet_field else None


def cmd_build(args) -> int:
    from searchapp.pipeline import build_index

    declared = _declared(args)  # a bad declaration fails before any work
    report = IngestReport()
    with _progress("indexing") as bar:
        try:
            stats, _ = build_index(
                _store(args), args.sources, lambda _a: bar.update(), _layout(args),
                args.workers, allow_shrink=args.allow_shrink or args.replace, report=report,
                declared=declared, cluster=_cluster(args))
        except BuildRefused:
            bar.close()
            print(f"read: {report.read} articles, {report.skipped_count} skipped")
            _report(report)
            raise
    _summary("built", stats, report)
    return 0


def cmd_add(args) -> int:
    from searchapp.pipeline import add_stream, add_to_index

    if STDIN in map(str, args.sources):
        if len(args.sources) > 1:
            raise ValueError(f"'{STDIN}' (JSON Lines on standard input) cannot be combined "
                             "with other sources")
        stats, report = add_stream(_store(args), sys.stdin.fileno(), None, _layout(args),
                                   args.workers)
    else:
        with _progress("adding") as bar:
            stats, report = add_to_index(
                _store(args), args.sources, lambda _a: bar.update(), _layout(args),
                args.workers, cluster=_cluster(args))
    _summary("added", stats, report)
    _check_added(stats, report)
    return 0


def cmd_delete(args) -> int:
    stats = Indexer(_store(args)).delete(args.ids)
    print(f"deleted: {stats.deleted}")
    for missing in stats.missing:
        print(f"not found: {missing}", file=sys.stderr)
    return 0 if not stats.missing else 1


_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?(?:/s)?", re.IGNORECASE)
_RATE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def _rate(text: str) -> float:
    """A bandwidth: bytes per second, with an optional K, M or G (powers of 1024)."""
    match = _RATE.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError("expected bytes per second, e.g. 500K or 20M")
    value = float(match.group(1)) * _RATE_UNITS[match.group(2).upper()]
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def cmd_sync(args) -> int:
    from searchapp.engine.index.replica import sync

    target = args.to or args.destination
    if target is None:
        raise ValueError("name the destination index folder (DST or --to DST)")
    if args.to and args.destination and Path(args.to) != Path(args.destination):
        raise ValueError("give the destination once: DST or --to DST")
    keep = Settings.from_env(str(target)).keep_generations
    stats = sync(Path(args.source), Path(target), keep, args.bwlimit)
    if stats.removed_leftovers:
        print(f"removed {len(stats.removed_leftovers)} unfinished copies of earlier syncs")
    documents = f"{stats.documents:,} articles, " if stats.documents is not None else ""
    if stats.up_to_date:
        print(f"up to date: {target} serves {stats.generation} ({documents}"
              f"{_size(stats.total_bytes)})")
        return 0
    print(f"synced {stats.source_generation} ({documents}{_size(stats.total_bytes)} in "
          f"{stats.files} files: {_size(stats.copied_bytes)} copied, {stats.linked_files} "
          f"unchanged files linked) in {stats.seconds:.1f}s")
    print(f"{target} now serves {stats.generation}")
    return 0


def cmd_stats(args) -> int:
    stats = Searcher(_store(args)).stats()
    print(f"generation: {stats.generation}")
    print(f"articles: {stats.documents}")
    print(f"people: {stats.people} distinct")
    if stats.first_day:
        print(f"dates: {stats.first_day} .. {stats.last_day} ({stats.without_date} without date)")
    else:
        print(f"dates: none ({stats.without_date} without date)")
    for name, count in stats.declared.items():
        print(f"facet field {name}: {count} distinct values")
    print(f"outlets: {len(stats.outlets)} ({stats.without_outlet} articles without outlet)")
    shown = stats.outlets[:args.outlets] if args.outlets else stats.outlets
    width = max((len(name) for name, _ in shown), default=0)
    for name, count in shown:
        print(f"  {name:<{width}}  {count:>7}")
    if len(shown) < len(stats.outlets):
        print(f"  ... and {len(stats.outlets) - len(shown)} more (--outlets 0 lists all)")
    return 0


def cmd_serve(args) -> int:
    """Run gunicorn on the app (it reloads by itself when the index is rebuilt)."""
    store = _store(args)
    store.current_path()  # refuse to start on a missing or broken index, with the reason
    _check_port(args.host, args.port)
    os.environ["SEARCHAPP_INDEX_DIR"] = str(store.root.resolve())
    argv = [
        sys.executable, "-m", "gunicorn",
        "--config", "python:searchapp.server.settings",
        "--bind", f"{args.host}:{args.port}",
        "--workers", str(args.workers),
        "searchapp.api:create_app()",
    ]
    print(f"serving {store.root} on http://{args.host}:{args.port}", flush=True)
    os.execv(sys.executable, argv)
    return 0  # not reached


def _check_port(host: str, port: int) -> None:
    """Say a taken port in one line before gunicorn retries it for five seconds and exits
    with a traceback-like log."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ValueError(f"cannot listen on {host}: {exc.strerror or exc} (--host)") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ValueError(f"port {port} on {host} is already in use (another server?); "
                                 "choose another with --port") from None
            if exc.errno == errno.EACCES:
                raise ValueError(f"no permission to listen on port {port} (ports below "
                                 "1024 need root); choose another with --port") from None
            raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="searchapp", description=__doc__)
    parser.add_argument("--version", action="version", version=f"searchapp {__version__}")
    parser.set_defaults(func=None)
    sub = parser.add_subparsers(dest="command")

    def with_index_dir(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--index-dir", help="index folder (default: $SEARCHAPP_INDEX_DIR or ./index)"
        )
        return p

    index = sub.add_parser("index", help="build, update and inspect the index")
    index.set_defaults(func=None, help_of=index)
    index_sub = index.add_subparsers(dest="index_command")
    build = with_index_dir(index_sub.add_parser(
        "build", help="rebuild from sources into a new generation (default: bundled sample)"))
    build.add_argument("sources", nargs="*", type=Path,
                       help="folders of .txt (+ manifest.json) / .html, "
                            "or .jsonl / .csv / .tsv [.gz] files")
    build.add_argument("--allow-shrink", action="store_true",
                       help="switch even if the new index has less than half the articles "
                            "of the live one")
    build.add_argument("--replace", action="store_true",
                       help="switch even if the build removes most of the live index's "
                            "articles: the sources replace what the index held")
    build.add_argument("--facet-field", action="append", metavar="NAME[=KEY]",
                       help="a record key (JSON) or column (CSV, manifest) to facet and "
                            "filter on like outlet, e.g. --facet-field topic --facet-field "
                            "lean=bias_text (repeatable; a rebuild without it keeps the live "
                            "index's fields)")
    build.add_argument("--no-facet-fields", action="store_true",
                       help="drop the facet fields the live index declares")
    add = with_index_dir(index_sub.add_parser("add", help="add or replace articles by id"))
    add.add_argument("sources", nargs="+", type=Path,
                     help="as for build, or '-' for JSON Lines on standard input (a feed: "
                          "each batch is searchable as soon as the pipe pauses)")
    for command, func in ((build, cmd_build), (add, cmd_add)):
        command.add_argument(
            "--map", action="append", metavar="FIELD=KEY",
            help="record key (JSON) or column (CSV) holding an article field, "
                 "e.g. --map body=text (repeatable)",
        )
        command.add_argument("--workers", type=_positive, default=None,
                             help="local processes for enrichment and people extraction "
                                  "(default: all cores)")
        command.add_argument("--cluster", metavar="tcp://HOST:PORT", default=None,
                             help="enrich on the workers of this Dask scheduler instead "
                                  "(default: $SEARCHAPP_CLUSTER; see docs/deployment.md); "
                                  "this machine still reads the sources and writes the index")
        command.set_defaults(func=func)
    delete = with_index_dir(index_sub.add_parser("delete", help="remove articles by id"))
    delete.add_argument("ids", nargs="+")
    delete.set_defaults(func=cmd_delete)
    sync_cmd = index_sub.add_parser(
        "sync", help="copy the live generation to another index folder and switch it live "
                     "there (a serving replica, or a backup)",
        description="Copy SRC's live generation into DST with checksums, then switch DST's "
                    "CURRENT to it: a server on DST never sees a half-copied generation, and "
                    "a copy killed half way leaves DST serving what it served. Safe while "
                    "SRC serves and takes adds. Run again after each build or add: files "
                    "DST already holds are linked, not copied.")
    sync_cmd.add_argument("source", metavar="SRC", help="the index folder to copy from")
    sync_cmd.add_argument("destination", metavar="DST", nargs="?",
                          help="the index folder to copy to (a replica's, perhaps mounted "
                               "from another machine)")
    sync_cmd.add_argument("--to", metavar="DST", help="the destination, as a flag")
    sync_cmd.add_argument("--bwlimit", type=_rate, metavar="RATE", default=None,
                          help="copy at most RATE bytes per second (e.g. 20M), to leave a "
                               "shared link or disk to the servers")
    sync_cmd.set_defaults(func=cmd_sync)
    stats = with_index_dir(index_sub.add_parser("stats", help="counts per outlet, date range"))
    stats.add_argument("--outlets", type=_not_negative, default=20, metavar="N",
                       help="list the N largest outlets (default: 20; 0 for all)")
    stats.set_defaults(func=cmd_stats)

    serve = with_index_dir(sub.add_parser(
        "serve", help="serve the API and page with gunicorn",
        description="Serve the search page (/), the API (/api/v1) and its docs (/api/v1/docs) "
                    "with gunicorn. A rebuild, add or delete is picked up by itself.",
        epilog="Settings read from the environment: SEARCHAPP_REQUEST_BUDGET (seconds a "
               "request may run, 1.5), SEARCHAPP_CORS_ORIGINS (comma-separated origins "
               "allowed to call the API), SEARCHAPP_KEEP_GENERATIONS (2). For other gunicorn "
               "options run gunicorn itself: gunicorn -c python:searchapp.server.settings "
               "searchapp.wsgi:app (see docs/deployment.md)."))
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only; "
                            "0.0.0.0 for every interface)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--workers", type=_positive, default=2,
                       help="worker processes, each answering one request at a time "
                            "(default: 2; about one per core)")
    serve.set_defaults(func=cmd_serve)
    return parser


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return str(exc) or type(exc).__name__


def main(argv: list[str] | None = None, own_process: bool = False) -> int:
    """Run a command; every failure is one `error:` line on stderr and exit status 1.
    Builds and adds run at a lower CPU priority than serving (`run_niced`), in a scheduler
    group of their own when this is the command's own process (`own_process`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.func is None:  # `searchapp` or `searchapp index` alone: what they can do
        getattr(args, "help_of", parser).print_help()
        return 0
    if args.func in (cmd_build, cmd_add):
        if own_process:
            catch_interrupts()
        return run_niced(lambda: _run(args), _write_nice(), own_group=own_process)
    return _run(args)


def entry() -> int:
    """The `searchapp` command (and `python -m searchapp.cli`)."""
    return main(own_process=True)


def _run(args) -> int:
    try:
        return args.func(args)
    except (EngineError, SourceError, ValueError, ClusterUnavailable, WorkerLost) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except BrokenPipeError:  # `searchapp index stats | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error
        return 0
    except (OSError, sqlite3.Error) as exc:
        print(f"error: cannot read or write the index: {_describe(exc)}", file=sys.stderr)
    except KeyboardInterrupt:
        interrupt_handled()
        print(f"interrupted: {WHAT_A_STOP_KEEPS}", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} "
              f"(set {DEBUG_VARIABLE}=1 for the traceback)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(entry())
