"""`coach users add|list`: the people who can sign in to the browser app."""

from __future__ import annotations

import argparse
import getpass
import sys

from coach.cli.commands.common import UsageError
from coach.settings import get_settings
from coach.web.store import Store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("users", help="add or list the users who can sign in")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a user (prompts for the password if not given)")
    add.add_argument("name")
    add.add_argument("--password", help="the password; prompted for when left out")
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", help="list users, one name a line")
    listing.set_defaults(handler=run_list)


def run_add(args: argparse.Namespace) -> int:
    password = args.password if args.password is not None else _ask_password()
    _store().add_user(args.name, password)
    print(f"Added {args.name}; they can sign in now.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    store = _store()
    for name in store.user_names():
        print(name)
    for names in store.duplicate_names():
        print(f"warning: {' and '.join(map(repr, names))} differ only in case (added before "
              "names were unique in that form): each signs in with the name typed exactly",
              file=sys.stderr)
    return 0


def _store() -> Store:
    return Store.for_settings(get_settings())


def _ask_password() -> str:
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise UsageError("the passwords do not match; nothing was added")
    return first
