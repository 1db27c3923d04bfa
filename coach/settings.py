"""Settings, read once from the environment and `.env` (prefix COACH_)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from coach.content.paths import content_dir

SQLITE_FILE = "coach.db"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "escalation-coach"


class Settings(BaseSettings):
    """Every knob of the coach; documented in the README."""

    model_config = SettingsConfigDict(
        env_prefix="COACH_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default_factory=_default_data_dir)
    knowledge_dir: Path = Field(
        default_factory=lambda: content_dir("knowledge"), description="The teaching content."
    )
    prompts_dir: Path = Field(
        default_factory=lambda: content_dir("prompts"), description="The prompt templates."
    )
    framework_file: Path | None = Field(
        default=None, description="A framework file to use instead of the seed's matrix."
    )
    answer_threshold: float = Field(
        default=0.3,
        description="Below this similarity of the question to its closest sentence in the "
        "knowledge base, the coach says it does not know.",
    )

    llm: Literal["auto", "offline", "openai"] = "auto"
    llm_model: str = "gpt-4o-mini"
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    llm_timeout: float = 30.0
    llm_max_retries: int = 2
    llm_temperature: float = 0.2
    llm_structured_method: Literal["json_schema", "function_calling", "json_mode"] = "json_schema"
    embeddings: Literal["local", "openai"] = "local"
    embeddings_model: str = "text-embedding-3-small"
    chroma_url: str | None = Field(
        default=None, description="A Chroma server (e.g. http://chroma:8001) for the knowledge "
        "index, shared by every worker; default: a local index in the data dir.")

    port: int = 8000
    database_url: str | None = Field(
        default=None, description="Any SQLAlchemy URL; default: a SQLite file in the data dir."
    )
    auth_secret: SecretStr | None = Field(
        default=None,
        validation_alias="CHAINLIT_AUTH_SECRET",
        description="Signs sign-in tokens; generated and kept in the data dir when unset.",
    )
    sqlite_busy_timeout: float = Field(default=30.0, gt=0, description="Seconds to wait on a lock.")
    max_body_bytes: int = Field(
        default=1_048_576, gt=0, description="The largest request body or socket message."
    )
    session_hours: float = Field(
        default=12, gt=0, le=24 * 90,
        description="How long a sign-in lasts; signing out ends it at once.",
    )
    public_url: str | None = Field(
        default=None,
        description="The address people open (e.g. https://coach.example.com): the one origin "
        "allowed. Default: http://localhost:PORT and http://127.0.0.1:PORT.",
    )
    trusted_proxies: str = Field(
        default="", description="Comma-separated addresses of reverse proxies whose "
        "X-Forwarded-For names the client.",
    )

    zendesk_url: str | None = Field(default=None, description="e.g. https://acme.zendesk.com")
    zendesk_email: str | None = None
    zendesk_token: SecretStr | None = None
    jira_url: str | None = Field(default=None, description="e.g. https://acme.atlassian.net")
    jira_email: str | None = None
    jira_token: SecretStr | None = None
    jira_project: str = Field(default="ESC", description="The project key issues go to.")
    jira_issue_type: str = Field(default="Task", description="The issue type they are.")
    push_timeout: float = Field(default=15.0, gt=0, description="Seconds per push request.")
    push_wait_budget: float = Field(
        default=30.0, ge=0, description="Most seconds a push waits for a 429's Retry-After.")

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def store_url(self) -> str:
        """The database of users, saved work and chat history."""
        return self.database_url or f"sqlite:///{self.data_dir / SQLITE_FILE}"

    @property
    def auth_secret_file(self) -> Path:
        return self.data_dir / "auth-secret"

    @property
    def files_dir(self) -> Path:
        """Where the web server keeps per-session files, one folder per server process."""
        return self.data_dir / "web"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    def origins(self) -> frozenset[str]:
        """The origins the browser app may be used from."""
        if self.public_url:
            parts = urlsplit(self.public_url)
            return frozenset({f"{parts.scheme}://{parts.netloc}"})
        return frozenset({f"http://localhost:{self.port}", f"http://127.0.0.1:{self.port}"})

    def proxies(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    def llm_key(self) -> str:
        """The key to send to the LLM and embeddings servers; local ones accept any key."""
        key = self.llm_api_key or self.openai_api_key
        return key.get_secret_value() if key else "not-needed"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read on first use."""
    return Settings()
