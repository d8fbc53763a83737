"""``lotsenbot`` command line: run, demo, check-config, migrate, status, export/import, crypto, faq."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot import config as config_mod


def _load(path: Path) -> config_mod.Config:
    try:
        return config_mod.load(path)
    except config_mod.ConfigError as exc:
        print(f"Configuration problems in {path}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit(1) from None


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import App
    from bot.leader import EXIT_OTHER_INSTANCE, AnotherInstance

    try:
        return asyncio.run(App(_load(args.config)).run_forever())
    except AnotherInstance as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_OTHER_INSTANCE


def cmd_check(args: argparse.Namespace) -> int:
    from commands import load_all

    load_all()  # each feature registers the model of its [features.<name>] table
    problems, warnings = config_mod.check(args.config)
    for warning in warnings:
        print(f"warning: {warning}")
    for problem in problems:
        print(f"error: {problem}")
    if problems:
        print(f"{len(problems)} problem(s) in {args.config}")
        return 1
    from bot.crypto.cli import offline_summary

    print(offline_summary(config_mod.load(args.config)))
    print(f"{args.config}: OK")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from storage.db import Database

    cfg = _load(args.config)

    async def go() -> None:
        cfg.bot.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(cfg.database_url)
        try:
            await db.migrate()
        finally:
            await db.close()

    asyncio.run(go())
    print("database is up to date")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from bot.ops import status

    ok, lines = asyncio.run(status(_load(args.config)))
    print("\n".join(lines))
    return 0 if ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    from bot.ops import export_data, write_json
    from storage.db import Database

    cfg = _load(args.config)

    async def go() -> dict[str, object]:
        db = Database(cfg.database_url)
        try:
            await db.migrate()
            return await export_data(db)
        finally:
            await db.close()

    data = asyncio.run(go())
    write_json(args.file, data)
    tables = data["tables"]
    assert isinstance(tables, dict)
    print(f"exported {sum(len(v) for v in tables.values())} rows from {len(tables)} tables to {args.file}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import json

    from bot.ops import import_data
    from storage.db import Database

    cfg = _load(args.config)
    dump = json.loads(args.file.read_text(encoding="utf-8"))

    async def go() -> dict[str, int]:
        cfg.bot.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(cfg.database_url)
        try:
            await db.migrate()
            return await import_data(db, dump)
        finally:
            await db.close()

    try:
        counts = asyncio.run(go())
    except ValueError as exc:
        print(f"import refused: {exc}", file=sys.stderr)
        return 1
    print(f"imported {sum(counts.values())} rows into {len(counts)} tables")
    return 0


def cmd_crypto(args: argparse.Namespace) -> int:
    from bot.crypto import cli as crypto_cli

    cfg = _load(args.config)
    if args.crypto_cmd == "recovery-key":
        return crypto_cli.cmd_recovery_key(cfg, args.file)
    if not args.yes:
        print(
            "This replaces the bot's cross-signing identity and secret storage: other users' clients will "
            "see a changed identity, and secrets kept for the old recovery key are gone. Stop the bot, "
            "then run again with --yes.",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(crypto_cli.reset(cfg))


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.dev.demo import main as demo_main

    return demo_main(Path(args.dir), script_only=args.script_only)


def cmd_faq(args: argparse.Namespace, rest: list[str]) -> int:
    from commands.faq.cli import main as faq_main

    return faq_main(rest)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="lotsenbot", description="Matrix bot for the Digitallotsen")
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name, helptext in (
        ("run", "run the bot"),
        ("check-config", "validate a config file"),
        ("migrate", "apply database migrations"),
        ("status", "health report: database, jobs, homeserver"),
        ("export", "all bot data as JSON"),
        ("import", "load a JSON export into a new database"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("-c", "--config", type=Path, default=Path("config.toml"))
        if name in ("export", "import"):
            p.add_argument("file", type=Path)
    demo = sub.add_parser("demo", help="local Synapse + bot + demo accounts")
    demo.add_argument("--dir", default=".demo", help="where the demo keeps its data (reused)")
    demo.add_argument("--script-only", action="store_true", help="play the scripted conversation, then exit")
    crypto = sub.add_parser("crypto", help="the bot's cross-signing identity and recovery key")
    crypto_sub = crypto.add_subparsers(dest="crypto_cmd", required=True)
    rk = crypto_sub.add_parser(
        "recovery-key", help="print the recovery key, or write it to a file (mode 600)"
    )
    rk.add_argument("--file", type=Path, help="write it to this file instead of printing it")
    rs = crypto_sub.add_parser("reset", help="replace identity and secret storage (stop the bot first)")
    rs.add_argument("--yes", action="store_true", help="really replace them")
    for p in (rk, rs):
        p.add_argument("-c", "--config", type=Path, default=Path("config.toml"))
    sub.add_parser("faq", help="knowledge base tools: validate, ask, eval", add_help=False)
    if argv[:1] == ["faq"]:
        return cmd_faq(argparse.Namespace(), argv[1:])
    args = parser.parse_args(argv)
    handlers = {
        "run": cmd_run,
        "check-config": cmd_check,
        "migrate": cmd_migrate,
        "demo": cmd_demo,
        "status": cmd_status,
        "export": cmd_export,
        "import": cmd_import,
        "crypto": cmd_crypto,
    }
    return handlers[args.cmd](args)


if __name__ == "__main__":
    raise SystemExit(main())
