"""Home: the menu every conversation starts from and returns to."""

from __future__ import annotations

from coach.domain import Button, Reply
from coach.engine.inputs import command_word
from coach.engine.modes.base import Context

WELCOME = (
    "Hi, I'm your escalation coach. I can draft an escalation ticket with you, then an action "
    "plan and the customer update; teach you the escalation framework area by area; drill you "
    "on practice scenarios; and tailor the severity levels to your company. Paste what you "
    "know, ask a question, or pick where to start."
)


# Words that show the menu: the commands, and greetings.
WORDS = {"menu", "home", "start", "main-menu", "hi", "hello", "hey", "hi-there", "hello-there",
         "hey-there", "yo", "hiya", "howdy", "greetings", "good-morning", "good-afternoon",
         "good-evening", "morning", "options", "show-options"}


class HomeMode:
    """The menu: offers every registered mode; free text goes to whichever mode claims it."""

    name = "home"
    label = "Menu"
    topic = "the menu"

    def starts(self, text: str) -> bool:
        return command_word(text) in WORDS

    def enter(self, ctx: Context, text: str) -> list[Reply]:
        ctx.go(self.name, "menu")
        return [self.prompt(ctx)]

    def handle(self, ctx: Context, text: str) -> list[Reply] | None:
        if self.starts(text):
            return [self.prompt(ctx)]
        return None  # the engine offers the text to the other modes

    def prompt(self, ctx: Context) -> Reply:
        buttons = [*ctx.menu(), Button(id="help", label="Help")]
        return Reply(text=WELCOME, buttons=buttons)
