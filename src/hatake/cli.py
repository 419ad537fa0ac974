"""The `hatake` command line: init, demo, import, serve, users, API tokens and event sources."""

from __future__ import annotations

from typing import Annotated

import typer

from hatake.accounts.portfolio_cli import assign
from hatake.core.cli_support import cli_gettext, cli_runtime, console
from hatake.core.db import transaction
from hatake.coverage.coverage_cli import coverage
from hatake.coverage.queue_cli import queue
from hatake.coverage.review_cli import review
from hatake.demo.cli import demo
from hatake.health.cli import backtest, fit, refresh
from hatake.health.definitions_cli import definition_app
from hatake.imports.cli import import_file
from hatake.lifecycle.cli import stages, tiers
from hatake.lifecycle.matrix_cli import matrix
from hatake.lifecycle.segment_cli import segments
from hatake.reports.cli import report_app
from hatake.team import repository as team_repository
from hatake.team import service as team_service
from hatake.usage.cli import source_app

app = typer.Typer(
    help="hatake: customer success platform", no_args_is_help=True, pretty_exceptions_enable=False
)
token_app = typer.Typer(help="REST API bearer tokens", no_args_is_help=True)
user_app = typer.Typer(help="Team users", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")
app.add_typer(definition_app, name="definition")
app.add_typer(source_app, name="source")
app.add_typer(report_app, name="report")
app.command("demo")(demo)
app.command("import")(import_file)
app.command("refresh")(refresh)
app.command("backtest")(backtest)
app.command("fit")(fit)
app.command("segments")(segments)
app.command("matrix")(matrix)
app.command("coverage")(coverage)
app.command("review")(review)
app.command("queue")(queue)
app.command("assign")(assign)
app.command("stages")(stages)
app.command("tiers")(tiers)


@app.command()
def init() -> None:
    """Create the data folder and the databases (runs the migrations)."""
    with cli_runtime() as runtime:
        with transaction(runtime.sessions) as session:
            team_service.ensure_org(session)
        runtime.analytics()
        console.print(f"hatake: {runtime.settings.home}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Start the web app and the API."""
    import uvicorn

    from hatake.core.settings import Settings
    from hatake.web.app import create_app

    settings = Settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"hatake: http://{bind_host}:{bind_port}")
    uvicorn.run(
        create_app(settings, schedule_refresh=True),
        host=bind_host,
        port=bind_port,
        log_level="warning",
    )


@user_app.command("create")
def user_create(
    email: str,
    name: str,
    role: Annotated[str, typer.Option(help="admin, manager, csm or viewer")] = "csm",
    password: Annotated[str | None, typer.Option(prompt=True, hide_input=True)] = None,
) -> None:
    """Add a team member who can sign in."""
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        user = team_service.create_user(
            session, email=email, name=name, role=role, password=password
        )
        console.print(f"{user.id}\t{user.email}\t{user.role}")


@token_app.command("create")
def token_create(
    scope: Annotated[list[str], typer.Option(help="read, write or ingest; repeatable")],
    name: Annotated[str, typer.Option(help="What the token is for")] = "api",
) -> None:
    """Mint a bearer token. It is printed once; only its digest is stored."""
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        _token, plain = team_service.create_token(session, name=name, scopes=scope)
        typer.echo(plain)


@token_app.command("list")
def token_list() -> None:
    """Show tokens (prefix, scopes, state)."""
    _ = cli_gettext()
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        for token in team_repository.list_tokens(session):
            state = _("revoked") if token.revoked_at else _("active")
            console.print(
                f"{token.id}\t{token.token_prefix}…\t{','.join(token.scopes)}\t"
                f"{token.name}\t{state}"
            )


@token_app.command("revoke")
def token_revoke(token_id: int) -> None:
    """Revoke a token by id."""
    with cli_runtime() as runtime, transaction(runtime.sessions) as session:
        team_service.revoke_token(session, token_id=token_id)
        console.print(f"revoked {token_id}")
