"""The production layout (Dockerfile, docker-compose.yml) and the probes it relies on.

Docker cannot run here, so the files are read as data: what the orchestrator would run,
checked against the names the settings actually read.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import override_settings

from expo.bookings.ticket_codes import ticket_signing_key_generate

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")
# The operating names every deployment sets (README.md, "Configuration").
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


@pytest.fixture(scope="module")
def caddyfile():
    return (ROOT / "deploy" / "Caddyfile").read_text()


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
    assert {"proxy", "postgres", "redis", *APP_SERVICES} <= services.keys()
    assert services["proxy"]["image"].startswith("caddy:2")
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_only_the_proxy_publishes_ports(services):
    """`--scale web=3` needs a web without a fixed host port; nothing skips the proxy."""
    published = {name: service["ports"] for name, service in services.items() if "ports" in service}
    assert published == {"proxy": ["80:80", "443:443", "443:443/udp"]}


def test_proxy_spreads_over_the_web_replicas_and_forwards_the_client(services, caddyfile):
    proxy = services["proxy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert {"SITE_HOST", "ACME_EMAIL"} <= proxy["environment"].keys()
    assert "{$SITE_HOST} {" in caddyfile  # a host name: automatic HTTPS
    # Every replica by Docker's DNS name, looked up again as replicas come and go.
    assert re.search(r"dynamic a web 8000 \{", caddyfile)
    assert re.search(r"header_up X-Forwarded-For \{remote_host\}", caddyfile)
    assert re.search(r"header_up X-Forwarded-Proto \{scheme\}", caddyfile)
    assert proxy["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_proxy_serves_static_files_and_uploads_from_the_volumes(services, caddyfile):
    proxy_volumes = services["proxy"]["volumes"]
    assert {"static:/srv/static:ro", "media:/srv/media:ro"} <= set(proxy_volumes)
    for name in ("migrate", *APP_SERVICES):
        assert {"static:/app/var/static", "media:/app/var/media"} <= set(
            services[name]["volumes"]
        ), name
    assert Path(settings.STATIC_ROOT) == ROOT / "var" / "static"  # /app/var/static in the image
    for prefix in ("/static/*", "/media/*"):
        block = caddyfile[caddyfile.index(f"handle {prefix} {{") :]
        block = block[: block.index("\n\t}")]
        assert "root * /srv" in block and "file_server" in block, prefix
    # The static volume gets this release's files at each deploy, before anything serves.
    assert "collectstatic --noinput" in " ".join(_command(services["migrate"]))


def test_proxy_limits_request_bodies_just_above_the_app(caddyfile):
    """The app's own cap answers first (a 413 in the API's format); the proxy's stops
    anything larger before it reaches a web process."""
    size = re.search(r"request_body \{\s*max_size (\d+)MB\s*\}", caddyfile)
    assert size, "no request body limit"
    proxy_limit = int(size.group(1)) * 1000 * 1000
    assert settings.UPLOAD_MAX_BYTES < proxy_limit <= settings.UPLOAD_MAX_BYTES + 2 * 1024 * 1024


def test_app_trusts_forwarded_headers_only_from_the_compose_network(compose, services):
    subnets = [entry["subnet"] for entry in compose["networks"]["default"]["ipam"]["config"]]
    for name in APP_SERVICES:
        assert services[name]["environment"]["TRUSTED_PROXIES"] == ",".join(subnets), name


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
    migrators = [
        name for name in one_shot if "manage.py migrate" in " ".join(_command(services[name]))
    ]
    assert migrators, "no one-shot migrate service"
    for name in APP_SERVICES:
        assert set(migrators) <= services[name]["depends_on"].keys()


def test_web_runs_gunicorn_on_the_wsgi_application(services):
    command = _command(services["web"])
    assert command[:2] == ["gunicorn", "config.wsgi:application"]
    assert re.search(r"--bind[= ]0\.0\.0\.0:8000", " ".join(command))


def test_worker_runs_plain_without_a_queue_list(services):
    """As an operator would start it: the app's declared queues decide what it consumes."""
    assert _command(services["worker"]) == ["celery", "-A", "config", "worker", "-l", "INFO"]


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


def test_image_takes_the_qr_reader_from_the_npm_lock(dockerfile):
    """The camera pages' QR reader is served by the site: the image holds it, not a CDN."""
    everything, _ = dockerfile
    assert ("RUN", "npm ci --omit=dev --no-audit --no-fund") in everything
    assert ("COPY", "--from=npm /app/node_modules ./node_modules") in everything
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert not [name for name, package in lock["packages"].items() if "resolved" in package]
    for name in ("barcode-detector", "zxing-wasm"):
        assert not lock["packages"][f"node_modules/{name}"].get("dev"), name


def test_image_runs_with_debug_off(dockerfile):
    _, final = dockerfile
    env = " ".join(arguments for keyword, arguments in final if keyword == "ENV")
    assert re.search(r"\bDEBUG=0\b", env)


def test_image_serves_gunicorn_with_a_healthcheck(dockerfile):
    _, final = dockerfile
    cmd = _exec_form(next(arguments for keyword, arguments in final if keyword == "CMD"))
    assert cmd[:2] == ["gunicorn", "config.wsgi:application"]
    assert "0.0.0.0:8000" in cmd
    healthcheck = next(arguments for keyword, arguments in final if keyword == "HEALTHCHECK")
    test = _exec_form(healthcheck[healthcheck.index("CMD ") + len("CMD ") :])
    assert "/healthz" in test[-1]
    compile(test[-1], "Dockerfile HEALTHCHECK", "exec")


# --- Metrics (README, "Metrics") ------------------------------------------------------


def test_web_and_workers_share_the_metrics_directory_the_image_names(compose, services, dockerfile):
    """Any web replica's scrape then adds up every web and worker process."""
    _, final = dockerfile
    env = " ".join(arguments for keyword, arguments in final if keyword == "ENV")
    directory = re.search(r"\bPROMETHEUS_MULTIPROC_DIR=(\S+)", env).group(1)
    for name in ("web", "worker"):
        assert f"metrics:{directory}" in services[name]["volumes"], name
    assert compose["volumes"]["metrics"]["driver_opts"]["type"] == "tmpfs"
    entrypoint = next(arguments for keyword, arguments in final if keyword == "ENTRYPOINT")
    assert _exec_form(entrypoint) == ["/app/deploy/entrypoint.sh"]
    # Prometheus asks for web:8000 inside the network; the probes keep the public name.
    hosts = services["web"]["environment"]["ALLOWED_HOSTS"].split(",")
    assert hosts[0].startswith("${SITE_HOST") and hosts[-1] == "web"
    assert "METRICS_TOKEN" in services["web"]["environment"]
    # gunicorn's hooks (gunicorn.conf.py, read from the working directory) fold a
    # replaced worker's samples into the archive: no --config may point elsewhere.
    cmd = _exec_form(next(arguments for keyword, arguments in final if keyword == "CMD"))
    assert not any(argument.startswith(("--config", "-c")) for argument in cmd)
    assert not any(a.startswith(("--config", "-c")) for a in _command(services["web"]))
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_the_proxy_refuses_metrics_from_outside(caddyfile):
    block = caddyfile[caddyfile.index("handle /metrics {") :]
    assert block[: block.index("}")].split()[-2:] == ["respond", "404"]


def test_the_entrypoint_clears_its_own_containers_metrics_files_only(tmp_path):
    """A restarted container starts with none of its old files; other containers' stay."""
    host = socket.gethostname().replace("_", "-")  # what `uname -n` prints, as in metrics.py
    own = [tmp_path / f"counter_{host}-7.db", tmp_path / f"histogram_{host}-12.db"]
    others = [tmp_path / "counter_0123456789ab-7.db", tmp_path / "notes.txt"]
    for path in own + others:
        path.write_bytes(b"")
    result = subprocess.run(
        ["sh", str(ROOT / "deploy" / "entrypoint.sh"), "echo", "started"],
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stdout == "started\n", result.stderr
    assert [path.exists() for path in own + others] == [False, False, True, True]


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
        TICKET_SIGNING_KEY=ticket_signing_key_generate(),
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


def _manage(tmp_path, *args, **environment) -> subprocess.CompletedProcess:
    """`manage.py` in a clean environment: only what a bare container would have."""
    clean = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_secret_key_refuses_to_start(tmp_path):
    result = _manage(tmp_path, "check", DEBUG="0", TICKET_SIGNING_KEY=ticket_signing_key_generate())
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr  # one clear line, not a stack to dig through


@pytest.mark.parametrize("key_file", ["", "missing"], ids=["unset", "file_missing"])
def test_debug_off_without_ticket_signing_key_refuses_to_start(tmp_path, key_file):
    environment = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)}
    if key_file:
        environment["TICKET_SIGNING_KEY_FILE"] = str(tmp_path / key_file)
    result = _manage(tmp_path, "check", **environment)
    assert result.returncode != 0
    assert "bookings.E001" in result.stderr
    assert "TICKET_SIGNING_KEY" in result.stderr


def test_debug_off_with_both_keys_passes_the_check(tmp_path):
    """The control for the two above: they fail for the missing variable only."""
    result = _manage(
        tmp_path,
        "check",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        TICKET_SIGNING_KEY=ticket_signing_key_generate(),
    )
    assert result.returncode == 0, result.stderr


def test_the_embedded_default_needs_no_keys(tmp_path):
    assert _manage(tmp_path, "check").returncode == 0


def test_settings_read_an_env_file_only_when_named(tmp_path):
    env_file = tmp_path / "production.env"
    env_file.write_text("SITE_URL=https://from-the-file.example\n")
    show = ["shell", "-v", "0", "-c", "from django.conf import settings; print(settings.SITE_URL)"]
    named = _manage(tmp_path, *show, ENV_FILE=str(env_file))
    assert named.stdout.strip() == "https://from-the-file.example", named.stderr
    assert _manage(tmp_path, *show).stdout.strip() == "http://127.0.0.1:8000"
    missing = _manage(tmp_path, *show, ENV_FILE=str(tmp_path / "typo.env"))
    assert missing.returncode != 0
    assert "ENV_FILE" in missing.stderr


def test_production_env_example_has_no_inline_comments():
    """Compose's env files take everything after `=` as the value, comments included."""
    example = (ROOT / "deploy" / "production.env.example").read_text()
    for line in example.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z_]+", name), line
            assert " #" not in value and not value.startswith("#"), line
    readme = (ROOT / "README.md").read_text()
    for block in re.findall(r"```(?:sh|env)?\n(.*?)```", readme, re.S):
        for line in block.splitlines():
            if re.match(r"[A-Z_]+=", line):
                assert " #" not in line, line


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


@pytest.mark.django_db
def test_django_does_not_serve_uploads_with_debug_off(client, settings, tmp_path):
    """The proxy serves /media/ from its volume; the app would only be a slow copy."""
    assert not settings.DEBUG  # as in production (pytest-django turns it off)
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    assert client.get("/media/logo.png").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_connection_pool_lends_a_few_connections_to_many_requests():
    """DATABASE_POOL_SIZE (for greenlet servers): a per-process pool, not one per request."""
    from django.db import connection

    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    script = (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from django.db import connection, connections\n"
        "def ask(_):\n"
        "    with connection.cursor() as cursor:\n"
        "        cursor.execute('SELECT pg_backend_pid()')\n"
        "        pid = cursor.fetchone()[0]\n"
        "    connections.close_all()\n"
        "    return pid\n"
        "with ThreadPoolExecutor(8) as pool:\n"
        "    print('backends', len(set(pool.map(ask, range(200)))))\n"
        "print('pool', type(connection.pool).__module__)\n"
    )
    result = _manage(
        Path(database["NAME"]),
        "shell",
        "-c",
        script,
        DATABASE_URL=url,
        DATABASE_POOL_SIZE="3",
        SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    said = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    backends, pool_module = said["backends"], said["pool"]
    assert 1 <= int(backends) <= 3  # 200 requests on 8 threads, never more than 3 connections
    assert pool_module.startswith("psycopg_pool")


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(("setting", "prepared"), [(None, True), ("0", False)])
def test_statements_a_connection_repeats_are_prepared_on_the_server(setting, prepared):
    """PostgreSQL plans a repeated statement once per connection, unless turned off for a
    pooler in transaction mode (DATABASE_PREPARED_STATEMENTS=0)."""
    from django.db import connection

    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    for number in range(10):\n"
        "        cursor.execute('SELECT %s + 1', [number])\n"
        "    cursor.execute('SELECT count(*) FROM pg_prepared_statements')\n"
        "    print('prepared', cursor.fetchone()[0])\n"
    )
    env = {"DATABASE_PREPARED_STATEMENTS": setting} if setting is not None else {}
    result = _manage(
        Path(database["NAME"]), "shell", "-c", script, DATABASE_URL=url, SECRET_KEY="x" * 50, **env
    )
    assert result.returncode == 0, result.stderr
    count = int(result.stdout.split("prepared", 1)[1].split()[0])
    assert (count > 0) is prepared
