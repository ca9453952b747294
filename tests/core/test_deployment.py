"""The production layout (Dockerfile, docker-compose.yml) and the probes it relies on.

Docker cannot run here, so the files are read as data: what the orchestrator would run,
checked against the names the settings actually read.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")
# The operating names every deployment sets (DESIGN.md, "Operating it").
REQUIRED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def _command(service) -> list[str]:
    command = service["command"]
    return command.split() if isinstance(command, str) else list(command)


def _healthcheck_python(test: list[str]) -> str | None:
    """The program of a `python -c` probe, to be compiled: a typo would keep it unhealthy."""
    if test[:3] == ["CMD", "python", "-c"]:
        return test[3]
    return None


def _one_shot(service) -> bool:
    return service.get("restart") == "no"


def _env_names_read_by_settings() -> set[str]:
    source = "\n".join(path.read_text() for path in (ROOT / "config").rglob("*.py"))
    calls = re.findall(r"""\benv(?:\.\w+)?\(\s*["'](\w+)["']""", source)
    environ = re.findall(r"""os\.(?:environ(?:\.get)?[\[(]|getenv\()\s*["'](\w+)["']""", source)
    return set(calls) | set(environ)


# --- docker-compose.yml ------------------------------------------------------------


def test_compose_has_the_production_services(services):
    assert {"postgres", "redis", *APP_SERVICES} <= services.keys()
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_every_long_running_service_has_a_healthcheck(services):
    for name, service in services.items():
        if _one_shot(service):
            continue
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"
        program = _healthcheck_python(test)
        if program:
            compile(program, f"{name} healthcheck", "exec")


def test_services_wait_for_healthy_dependencies(services):
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            expected = (
                "service_completed_successfully"
                if _one_shot(services[dependency])
                else "service_healthy"
            )
            assert rule == {"condition": expected}, f"{name} -> {dependency}"
    for name in APP_SERVICES:
        assert {"postgres", "redis"} <= services[name]["depends_on"].keys()


def test_migrations_run_once_before_the_app_starts(services):
    one_shot = [name for name, service in services.items() if _one_shot(service)]
    migrators = [name for name in one_shot if "migrate" in _command(services[name])]
    assert migrators, "no one-shot migrate service"
    for name in APP_SERVICES:
        assert set(migrators) <= services[name]["depends_on"].keys()


def test_web_runs_gunicorn_on_the_wsgi_application(services):
    command = _command(services["web"])
    assert command[:2] == ["gunicorn", "config.wsgi:application"]
    assert re.search(r"--bind[= ]0\.0\.0\.0:8000", " ".join(command))


def test_worker_consumes_every_queue_tasks_are_routed_to(services):
    command = _command(services["worker"])
    assert command[:4] == ["celery", "-A", "config", "worker"]
    queues = set(command[command.index("-Q") + 1].split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert {settings.CELERY_TASK_DEFAULT_QUEUE, *routed} <= queues


def test_exactly_one_beat(services):
    assert _command(services["beat"])[:4] == ["celery", "-A", "config", "beat"]
    assert services["beat"].get("deploy", {}).get("replicas") == 1


def test_app_environment_matches_the_settings(services):
    read = _env_names_read_by_settings()
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert set(REQUIRED_ENV) <= environment.keys(), name
        unread = set(environment) - read
        assert not unread, f"{name} sets variables no setting reads: {sorted(unread)}"
        assert environment["DEBUG"] == "0"
        # TLS ends at the outer proxy; redirecting here would loop behind it.
        assert environment["SECURE_SSL_REDIRECT"] == "0"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")


# --- Dockerfile ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def dockerfile() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(INSTRUCTION, arguments) pairs of every stage and of the final one, lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions, instructions[last_from:]


def _exec_form(arguments: str) -> list[str]:
    return json.loads(arguments)


def test_image_is_slim_python_and_runs_as_non_root(dockerfile):
    _, final = dockerfile
    assert final[0] == ("FROM", "python:3.11-slim")
    users = [arguments for keyword, arguments in final if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")


def test_image_collects_static_files_with_production_settings(dockerfile):
    everything, _ = dockerfile
    runs = " ".join(arguments for keyword, arguments in everything if keyword == "RUN")
    assert re.search(r"SECRET_KEY=\S+ DEBUG=0 python manage.py collectstatic --noinput", runs)


def test_image_serves_gunicorn_with_a_healthcheck(dockerfile):
    _, final = dockerfile
    cmd = _exec_form(next(arguments for keyword, arguments in final if keyword == "CMD"))
    assert cmd[:2] == ["gunicorn", "config.wsgi:application"]
    assert "0.0.0.0:8000" in cmd
    healthcheck = next(arguments for keyword, arguments in final if keyword == "HEALTHCHECK")
    test = _exec_form(healthcheck[healthcheck.index("CMD ") + len("CMD ") :])
    assert "/healthz" in test[-1]
    compile(test[-1], "Dockerfile HEALTHCHECK", "exec")


# --- Settings for production ---------------------------------------------------------


@pytest.mark.parametrize("ssl_redirect", [None, "0"], ids=["redirecting", "behind_tls_proxy"])
def test_deploy_check_passes_with_production_settings(tmp_path, ssl_redirect):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECURE_SSL_REDIRECT")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60)[:60],
        ALLOWED_HOSTS="expo.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    if ssl_redirect is not None:
        environment["SECURE_SSL_REDIRECT"] = ssl_redirect
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output


# --- Probes --------------------------------------------------------------------------


def test_healthz_answers_without_touching_dependencies(client):
    # No django_db mark: a database query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_readyz_is_ready_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_readyz_is_unavailable_when_redis_is_down(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] != "ok"


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_checks_the_configured_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}
