"""`coach users add|list`: the people who can sign in to the browser app."""

from __future__ import annotations

import argparse
import getpass
import sys

from coach.cli.commands.common import UsageError
from coach.settings import get_settings
from coach.web.store import ROLES, Store


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("users", help="add or list the users who can sign in")
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a user (prompts for the password if not given)")
    add.add_argument("name")
    add.add_argument("--password", help="the password; prompted for when left out")
    add.add_argument("--role", choices=ROLES, default="csm",
                     help="csm (sees their own escalations) or leader (the team's, and "
                          "accepts the team's framework); default csm")
    add.set_defaults(handler=run_add)
    role = actions.add_parser("role", help="change a user's role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(handler=run_role)
    listing = actions.add_parser("list", help="list users and their roles, one a line")
    listing.set_defaults(handler=run_list)


def run_add(args: argparse.Namespace) -> int:
    password = args.password if args.password is not None else _ask_password()
    _store().add_user(args.name, password, args.role)
    print(f"Added {args.name.strip()} ({args.role}); they can sign in now.")
    return 0


def run_role(args: argparse.Namespace) -> int:
    name = _store().set_role(args.name, args.role)
    print(f"{name} is a {args.role} now.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    store = _store()
    for name, role in store.users():
        print(f"{name}\t{role}")
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
