"""Loading compose files without an engine: discovery and names, interpolation and .env, the schema's one-line
errors (file and key path), merging, extends, short syntaxes, the plan's labels and bodies."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import dshell.compose as compose
from dshell.compose import _files, _interp, _normalize, _plan


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def load(folder: Path, *files: str, **kw):
    return compose.load(files, workdir=str(folder), env=kw.pop("env", {}), **kw)


def error_of(folder: Path, *files: str, **kw) -> str:
    with pytest.raises(compose.ComposeError) as info:
        load(folder, *files, **kw)
    text = str(info.value)
    assert "\n" not in text and "Traceback" not in text
    return text


# discovery and names

def test_compose_yaml_wins_and_the_override_comes_along(tmp_path):
    write(tmp_path, "docker-compose.yml", "services: {old: {image: busybox}}\n")
    write(tmp_path, "compose.yaml", "services: {new: {image: busybox}}\n")
    write(tmp_path, "compose.override.yaml", "services: {new: {environment: {A: '1'}}}\n")
    model = load(tmp_path)
    assert list(model.services) == ["new"] and model.services["new"]["environment"] == {"A": "1"}
    assert model.files == (str(tmp_path / "compose.yaml"), str(tmp_path / "compose.override.yaml"))


def test_found_from_a_subfolder_and_named_after_the_project_folder(tmp_path):
    project = tmp_path / "My Shop.v2"
    write(project, "docker-compose.yml", "services: {web: {image: busybox}}\n")
    (project / "src").mkdir()
    model = load(project / "src")
    assert model.name == "myshopv2" and model.working_dir == str(project)


def test_name_precedence(tmp_path):
    write(tmp_path, "compose.yaml", "name: from-file\nservices: {web: {image: busybox}}\n")
    assert load(tmp_path).name == "from-file"
    assert load(tmp_path, env={"COMPOSE_PROJECT_NAME": "from-env"}).name == "from-env"
    assert load(tmp_path, name="from-flag", env={"COMPOSE_PROJECT_NAME": "from-env"}).name == "from-flag"
    assert "invalid project name 'Bad Name' (-p)" in error_of(tmp_path, name="Bad Name")


def test_compose_file_variable(tmp_path):
    write(tmp_path, "a.yaml", "services: {a: {image: busybox}}\n")
    write(tmp_path, "b.yaml", "services: {b: {image: busybox}}\n")
    model = load(tmp_path, env={"COMPOSE_FILE": "a.yaml:b.yaml"})
    assert sorted(model.services) == ["a", "b"]


def test_no_file_is_one_line(tmp_path):
    empty = tmp_path / "nowhere"
    empty.mkdir()
    assert "no configuration file provided" in error_of(empty)


def test_folder_names_normalized():
    assert _files.normalize_name("__My_App-1.0") == "my_app-10"


# interpolation

@pytest.mark.parametrize("text, expected", [
    ("${A}", "a"), ("$A-x", "a-x"), ("${UNSET:-d}", "d"), ("${EMPTY:-d}", "d"), ("${EMPTY-d}", ""),
    ("${UNSET-d}", "d"), ("${A:+alt}", "alt"), ("${UNSET:+alt}", ""), ("$$A", "$A"), ("$${A}", "${A}"),
    ("${UNSET:-${A}-nested}", "a-nested"), ("cost: 5$", "cost: 5$"),
])
def test_interpolation_forms(text, expected):
    assert _interp.interpolate_text(text, {"A": "a", "EMPTY": ""}, "f", "p") == expected


def test_required_variable_is_one_line_with_file_and_path(tmp_path):
    write(tmp_path, "compose.yaml", "services:\n  web:\n    image: ${IMAGE:?set IMAGE to the web image}\n")
    assert error_of(tmp_path) == (f"{tmp_path}/compose.yaml: services.web.image: required variable IMAGE is "
                                  "missing a value: set IMAGE to the web image")


def test_bad_interpolation_is_one_line(tmp_path):
    write(tmp_path, "compose.yaml", "services:\n  web:\n    image: ${IMAGE\n")
    assert "services.web.image: invalid interpolation format" in error_of(tmp_path)


def test_dotenv_read_as_docker_compose_reads_it(tmp_path):
    write(tmp_path, ".env", """\
        # comment
        export TAG=1.2
        QUOTED="two words # not a comment"
        SINGLE='$$kept ${TAG}'
        INLINE=value # comment
        COMPOSED=${TAG}-x
        ESCAPED="a\\nb"
        """)
    write(tmp_path, "compose.yaml", """\
        services:
          web:
            image: busybox:${TAG}
            environment: [QUOTED, SINGLE, INLINE, COMPOSED, ESCAPED, NOT_SET]
        """)
    model = load(tmp_path, env={"TAG": "from-shell"})
    assert model.services["web"]["image"] == "busybox:from-shell"  # the shell wins over .env
    assert model.services["web"]["environment"] == {
        "QUOTED": "two words # not a comment", "SINGLE": "$$kept ${TAG}", "INLINE": "value",
        "COMPOSED": "from-shell-x", "ESCAPED": "a\nb"}


def test_unset_variable_warns(tmp_path):
    write(tmp_path, "compose.yaml", "version: '3'\nservices: {web: {image: 'busybox${NOPE}'}}\n")
    model = load(tmp_path)
    assert model.services["web"]["image"] == "busybox"
    assert any("NOPE" in w for w in model.warnings) and any("obsolete" in w for w in model.warnings)


# the schema

@pytest.mark.parametrize("body, message", [
    ("services: {web: {imagee: busybox}}", "services.web.imagee: unknown key: did you mean image?"),
    ("services: {web: {image: busybox, ports: 80}}", "services.web.ports: must be a list, not an integer"),
    ("services: {web: {image: busybox, restart: [always]}}", "services.web.restart: must be a string, not a list"),
    ("services: {web: {image: busybox, environment: {A: [1]}}}", "services.web.environment: must be a mapping"),
    ("services: {web: {image: busybox, secrets: [s]}}",
     "services.web.secrets: not supported by dshell compose (docker compose runs it)"),
    ("services: {web: {image: busybox, deploy: {resources: {}}}}",
     "services.web.deploy.resources: not supported by dshell compose"),
    ("services: {web: {image: busybox}}\nsecrets: {}", "secrets: not supported by dshell compose"),
    ("services: {web: {image: busybox, healthcheck: {interval: 10}}}\nbogus: 1", "bogus: unknown key"),
    ("services: {web: {image: busybox, healthcheck: {interval: ten}}}",
     "services.web.healthcheck.interval: invalid duration 'ten'"),
    ("services: {web: {image: busybox, ports: ['80:80:80:80']}}", "services.web.ports[0]: invalid port"),
    ("services: {web: {build: {context: ., dockerfile: [x]}}}",
     "services.web.build.dockerfile: must be a string, not a list"),
    ("services: {web: {command: x}}", "services.web: has neither an image nor a build context"),
    ("services: {web: {image: b, networks: [nope]}}", "services.web.networks.nope: refers to undefined network"),
    ("services: {web: {image: b, volumes: ['nope:/x']}}", "services.web.volumes[0]: refers to undefined volume"),
    ("services: {web: {image: b, depends_on: [nope]}}", "services.web.depends_on.nope: depends on undefined"),
    ("services: {a: {image: b, depends_on: [b]}, b: {image: b, depends_on: [c]}, c: {image: b, depends_on: [a]}}",
     "services.a.depends_on: dependency cycle: a -> b -> c -> a"),
    ("services: {a: {image: b, extends: a}}", "services.a.extends: extends cycle: a -> a"),
    ("services: {a: {image: b, extends: zz}}", "extends names service 'zz'"),
    ("services: {web: {image: b, scale: 2, container_name: one}}", "cannot be shared by 2 replicas"),
    ("services:\n  web: {image: b\n", "not valid YAML"),
    ("- a list", "the top level must be a mapping, not a list"),
])
def test_a_bad_file_is_one_line_naming_file_and_key(tmp_path, body, message):
    write(tmp_path, "compose.yaml", body + "\n")
    text = error_of(tmp_path)
    assert text.startswith(f"{tmp_path}/compose.yaml: ") and message in text, text


def test_variables_give_integers_and_booleans(tmp_path):
    write(tmp_path, "compose.yaml", "services: {web: {image: b, scale: '${N}', tty: '${T}'}}\n")
    web = load(tmp_path, env={"N": "3", "T": "true"}).services["web"]
    assert (web["scale"], web["tty"]) == (3, True)
    assert "services.web.scale: must be an integer, not a string" in error_of(tmp_path, env={"N": "x", "T": "1"})


def test_extensions_are_allowed(tmp_path):
    write(tmp_path, "compose.yaml", "x-common: &c {image: busybox}\nservices: {web: {<<: *c, x-note: hi}}\n")
    assert load(tmp_path).services["web"]["image"] == "busybox"


# merging and extends

def test_files_merge_by_the_specification(tmp_path):
    write(tmp_path, "compose.yaml", """\
        services:
          app:
            image: busybox
            command: sleep 1
            environment: {LEVEL: base, KEEP: kept}
            ports: ["80"]
            volumes: ["./a:/data", "./b:/other"]
            labels: [layer=base]
        """)
    write(tmp_path, "prod.yaml", """\
        services:
          app:
            command: [sleep, "2"]
            environment: [LEVEL=prod]
            ports: ["81"]
            volumes: ["./c:/data"]
        """)
    app = load(tmp_path, "compose.yaml", "prod.yaml").services["app"]
    assert app["command"] == ["sleep", "2"]
    assert app["environment"] == {"LEVEL": "prod", "KEEP": "kept"}
    assert [p["target"] for p in app["ports"]] == [80, 81]
    assert {v["target"]: v["source"] for v in app["volumes"]} == {"/data": f"{tmp_path}/c", "/other": f"{tmp_path}/b"}
    assert app["labels"] == {"layer": "base"}


def test_extends_from_another_file_resolves_its_paths_there(tmp_path):
    write(tmp_path, "lib/base.yaml", "services: {common: {image: busybox, env_file: base.env, "
                                     "volumes: ['./conf:/conf']}}\n")
    write(tmp_path, "lib/base.env", "FROM_BASE=1\n")
    write(tmp_path, "compose.yaml", "services: {web: {extends: {file: lib/base.yaml, service: common}, "
                                    "environment: {OWN: '2'}}}\n")
    web = load(tmp_path).services["web"]
    assert web["environment"] == {"FROM_BASE": "1", "OWN": "2"}
    assert web["volumes"][0]["source"] == f"{tmp_path}/lib/conf"


def test_profiles(tmp_path):
    write(tmp_path, "compose.yaml", "services: {a: {image: b}, d: {image: b, profiles: [debug]}}\n")
    assert sorted(load(tmp_path).services) == ["a"]
    assert sorted(load(tmp_path, profiles=["debug"]).services) == ["a", "d"]
    assert sorted(load(tmp_path, env={"COMPOSE_PROFILES": "debug"}).services) == ["a", "d"]


# short syntaxes

@pytest.mark.parametrize("short, expected", [
    ("80", [("", "", 80, "tcp")]),
    ("8080:80", [("", "8080", 80, "tcp")]),
    ("127.0.0.1:8080:80/udp", [("127.0.0.1", "8080", 80, "udp")]),
    ("127.0.0.1::80", [("127.0.0.1", "", 80, "tcp")]),
    ("[::1]:8080:80", [("::1", "8080", 80, "tcp")]),
    ("9090-9091:8080-8081", [("", "9090", 8080, "tcp"), ("", "9091", 8081, "tcp")]),
    (5000, [("", "", 5000, "tcp")]),
])
def test_port_short_syntax(short, expected):
    got = _normalize.ports(short, "f", "p")
    assert [(p["host_ip"], p["published"], p["target"], p["protocol"]) for p in got] == expected


def test_volume_short_syntax():
    assert _normalize.volume("data:/d:ro", "/w", "f", "p") == {"type": "volume", "source": "data", "target": "/d",
                                                                "read_only": True, "volume": {}}
    assert _normalize.volume("./x:/d", "/w", "f", "p")["source"] == "/w/x"
    assert _normalize.volume("/d", "/w", "f", "p") == {"type": "volume", "target": "/d", "read_only": False,
                                                       "volume": {}}


# the plan

def test_labels_and_names_as_docker_compose_sets_them(tmp_path):
    write(tmp_path, "compose.yaml", """\
        services:
          web: {image: busybox, depends_on: {db: {condition: service_healthy}}, labels: {mine: "1"}}
          db: {image: busybox, networks: [back, front]}
        networks: {back: {}, front: {}}
        """)
    model = load(tmp_path, name="shop")
    request = _plan.container_request(model, "web", 1, "sha256:abc", "1.41")
    body = request["params"]["body"]
    assert request["params"]["name"] == "shop-web-1"
    assert body["Labels"] == {
        "mine": "1", "com.docker.compose.project": "shop", "com.docker.compose.service": "web",
        "com.docker.compose.oneoff": "False", "com.docker.compose.container-number": "1",
        "com.docker.compose.config-hash": compose.config_hash(model.services["web"]),
        "com.docker.compose.depends_on": "db:service_healthy:false", "com.docker.compose.image": "sha256:abc",
        "com.docker.compose.project.working_dir": str(tmp_path),
        "com.docker.compose.project.config_files": f"{tmp_path}/compose.yaml",
        "com.docker.compose.version": compose.COMPOSE_VERSION}
    assert body["HostConfig"]["NetworkMode"] == "shop_default"
    assert body["NetworkingConfig"]["EndpointsConfig"] == {"shop_default": {"Aliases": ["shop-web-1", "web"]}}
    db_old = _plan.container_request(model, "db", 1, "", "1.41")["params"]["body"]["NetworkingConfig"]
    db_new = _plan.container_request(model, "db", 1, "", "1.44")["params"]["body"]["NetworkingConfig"]
    assert list(db_old["EndpointsConfig"]) == ["shop_back"]  # one network in create before 1.44 ...
    assert _plan.later_networks(model, "db", "shop-db-1", "1.41") == [("shop_front",
                                                                       {"Aliases": ["shop-db-1", "db"]})]
    assert sorted(db_new["EndpointsConfig"]) == ["shop_back", "shop_front"]  # ... all of them since
    net = _plan.network_request(model, "back")["params"]["networkConfig"]
    assert net["Name"] == "shop_back" and net["Labels"] == {
        "com.docker.compose.network": "back", "com.docker.compose.project": "shop",
        "com.docker.compose.version": compose.COMPOSE_VERSION}


def test_config_hash_follows_what_makes_containers_differ(tmp_path):
    write(tmp_path, "compose.yaml", "services: {web: {image: busybox, environment: {A: '1'}}}\n")
    write(tmp_path, "scaled.yaml", "services: {web: {scale: 2, depends_on: {}}}\n")
    write(tmp_path, "changed.yaml", "services: {web: {environment: {A: '2'}}}\n")
    base = compose.config_hash(load(tmp_path, "compose.yaml").services["web"])
    assert base == compose.config_hash(load(tmp_path, "compose.yaml").services["web"])
    assert base == compose.config_hash(load(tmp_path, "compose.yaml", "scaled.yaml").services["web"])
    assert base != compose.config_hash(load(tmp_path, "compose.yaml", "changed.yaml").services["web"])
