"""`ponte`: the command line of the engine, the local broker, the sandboxes and the demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence

from engine import local_broker


def main(argv: Sequence[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["sandbox"]:  # the sandboxes parse their own flags
        sys.exit(_sandbox(args[1:]))
    parser = _parser()
    options = parser.parse_args(args)
    command: Callable[[argparse.Namespace], int] | None = getattr(options, "run", None)
    if command is None:
        parser.print_help()
        sys.exit(2)
    sys.exit(command(options))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ponte", description=__doc__)
    commands = parser.add_subparsers(metavar="COMMAND")

    broker = commands.add_parser("broker", help="run a local single-node Kafka broker (KRaft)")
    broker.add_argument("action", choices=["start", "stop", "status", "fetch"])
    broker.add_argument("--port", type=int, help="listener port (default 9092 or PONTE_KAFKA_PORT)")
    broker.add_argument(
        "--data-dir", help="data directory (default var/kafka/data or PONTE_KAFKA_DATA_DIR)"
    )
    broker.set_defaults(run=_broker)

    topics = commands.add_parser("topics", help="create or update every declared topic")
    topics.add_argument("action", choices=["apply", "list"])
    topics.set_defaults(run=_topics)

    worker = commands.add_parser("worker", help="apply topics, then run an engine worker")
    worker.set_defaults(run=_worker)

    schemas = commands.add_parser("schemas", help="export the canonical models' JSON Schema")
    schemas.add_argument("action", choices=["export"])
    schemas.set_defaults(run=_schemas)

    connectors = commands.add_parser("connectors", help="print the capability matrix")
    connectors.set_defaults(run=_connectors)

    keygen = commands.add_parser("keygen", help="print a new PONTE_SECRET_KEY")
    keygen.set_defaults(run=_keygen)

    hash_password = commands.add_parser(
        "hash-password",
        help="print a PONTE_ADMIN_PASSWORD_HASH for the screen's sign-in (reads the password)",
    )
    hash_password.add_argument(
        "--stdin", action="store_true", help="read the password from standard input"
    )
    hash_password.set_defaults(run=_hash_password)

    demo = commands.add_parser(
        "demo", help="broker, sandboxes, engine and a demo order, end to end"
    )
    demo.add_argument(
        "--platform",
        default="shopify",
        help="the store platform whose sandbox sells the demo order: shopify (default), "
        "nuvemshop, tray or vtex",
    )
    demo.add_argument(
        "--exit-after-order", action="store_true", help="stop once the order is in the ERP"
    )
    demo.set_defaults(run=_demo)

    commands.add_parser(
        "sandbox", help="run a platform's or the ERP's sandbox: `ponte sandbox NAME --help`"
    )
    return parser


def _broker(options: argparse.Namespace) -> int:
    broker = local_broker.LocalBroker.from_env(options.port, options.data_dir)
    try:
        if options.action == "fetch":
            local_broker.resolve_jars(broker)
            print(f"Kafka jars ready in {broker.libs_dir}")
        elif options.action == "start":
            print(local_broker.start(broker))
        elif options.action == "stop":
            print(local_broker.stop(broker))
        else:
            running, line = local_broker.status(broker)
            print(line)
            return 0 if running else 1
    except local_broker.BrokerError as exc:
        print(f"ponte broker {options.action}: {exc}", file=sys.stderr)
        return 1
    return 0


def _topics(options: argparse.Namespace) -> int:
    from engine.settings import KafkaSettings
    from topics.apply import apply_topics
    from topics.registry import all_topics

    settings = KafkaSettings.from_env()
    if options.action == "list":
        for spec in all_topics():
            print(
                f"{spec.named(settings.namespace):40} {spec.partitions:3} {spec.cleanup:8} key={spec.key}"
            )
        return 0
    changes = asyncio.run(
        apply_topics(
            settings.bootstrap_servers,
            all_topics(),
            namespace=settings.namespace,
            replication=settings.replication_factor,
        )
    )
    for change in changes:
        print(f"{change.name:40} {change.action}")
    return 0


def _worker(options: argparse.Namespace) -> int:
    from engine.worker import run_worker

    return run_worker()


def _schemas(options: argparse.Namespace) -> int:
    from schemas.export import write_schemas

    for path in write_schemas():
        print(path)
    return 0


def _connectors(options: argparse.Namespace) -> int:
    from connectors.matrix import capability_matrix

    print(capability_matrix())
    return 0


def _keygen(options: argparse.Namespace) -> int:
    from engine.sealing import new_key

    print(new_key())
    return 0


def _hash_password(options: argparse.Namespace) -> int:
    import getpass

    from engine.web.auth import hash_password

    if options.stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("ponte hash-password: the passwords differ", file=sys.stderr)
            return 1
    if len(password) < 8:
        print("ponte hash-password: use at least 8 characters", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


def _demo(options: argparse.Namespace) -> int:
    from engine.demo import run_demo

    return run_demo(options.platform, exit_after_order=options.exit_after_order)


def _sandbox(args: list[str]) -> int:
    from importlib import import_module

    from connectors.registry import PLATFORMS

    names = sorted({"erp", *PLATFORMS})
    if not args or args[0] not in names:
        print(f"usage: ponte sandbox {{{','.join(names)}}} [--help]", file=sys.stderr)
        return 2
    # Every connector package has the same roles: connectors/<name>/sandbox exposes main(argv).
    import_module(f"connectors.{args[0]}.sandbox").main(args[1:])
    return 0
