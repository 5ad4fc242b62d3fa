"""The checks scripts/deploy.sh makes against the Scrapyd of a scrapy.cfg target.

    scrapyd_api.py target TARGET
        print "URL PROJECT"; fail when the target's credentials are not set
    scrapyd_api.py preflight TARGET VERSION
        fail unless Scrapyd accepts the credentials and VERSION would be its
        newest version of the project (Scrapyd runs the highest version, by
        version sorting, not the last uploaded)
    scrapyd_api.py verify TARGET VERSION SPIDER <scrapyd-deploy's output
        fail unless Scrapyd accepted the egg, lists SPIDER in it and will run
        VERSION; a rejected upload is deleted so that the previous version
        stays the one that runs

Credentials come from the target in scrapy.cfg (environment variables
expanded by scrapyd-client) and are never printed.
"""

import json
import re
import sys

import requests
from packaging.version import InvalidVersion, Version
from scrapyd_client.utils import _get_targets, get_config

TIMEOUT = 60  # addversion.json runs `scrapy list` on the egg before it answers


class DeployError(Exception):
    pass


def target_of(name):
    targets = _get_targets()
    if name not in targets:
        raise DeployError(
            f"unknown target {name!r}; scrapy.cfg defines: {', '.join(sorted(targets))}"
        )
    target = targets[name]
    for key in ("url", "project"):
        if not target.get(key):
            raise DeployError(f"target {name!r} has no {key} in scrapy.cfg")
    for key in ("username", "password"):
        value = target.get(key, "")
        unset = re.findall(
            r"\$\{?(\w+)", value
        )  # scrapyd-client leaves unset variables as they are
        if unset:
            raise DeployError(
                f"{' and '.join(unset)} is not set: target {name!r} takes its Scrapyd "
                f"{key} from it (see .env.example)"
            )
        if not value:
            source = re.findall(r"\$\{?(\w+)", raw_option(name, key))
            raise DeployError(
                f"{' and '.join(source) or 'the ' + key} is empty: target {name!r} needs a Scrapyd "
                f"{key} (see .env.example); Scrapyd must run with basic auth"
            )
    return target


def raw_option(name, key):
    """A target's option as written in scrapy.cfg, variables not expanded."""
    cfg = get_config()
    for section in (f"deploy:{name}", "deploy"):
        if cfg.has_option(section, key):
            return cfg.get(section, key, raw=True)
    return ""


class Scrapyd:
    def __init__(self, target):
        self.url = target["url"].rstrip("/") + "/"
        self.project = target["project"]
        self.auth = (target["username"], target["password"])

    def call(self, endpoint, method="GET", **params):
        try:
            response = requests.request(
                method,
                self.url + endpoint,
                auth=self.auth,
                timeout=TIMEOUT,
                **({"params": params} if method == "GET" else {"data": params}),
            )
        except requests.RequestException as e:
            raise DeployError(
                f"cannot reach Scrapyd at {self.url}: {e.__class__.__name__}; is it running?"
            ) from None
        if response.status_code == 401:
            raise DeployError(
                f"Scrapyd at {self.url} refused the credentials (HTTP 401): check "
                f"SCRAPYD_USERNAME/SCRAPYD_PASSWORD against the server's"
            )
        if response.status_code != 200:
            raise DeployError(
                f"Scrapyd at {self.url}{endpoint} answered HTTP {response.status_code}"
            )
        try:
            data = response.json()
        except ValueError:
            raise DeployError(
                f"Scrapyd at {self.url}{endpoint} did not answer JSON: {response.text[:200]!r}"
            ) from None
        if data.get("status") != "ok":
            raise DeployError(f"Scrapyd {endpoint}: {data.get('message', data)}")
        return data

    def versions(self):
        return self.call("listversions.json", project=self.project)["versions"]


def check_order(versions, version):
    """Fail unless *version* would sort after every version Scrapyd holds."""
    new = Version(version)
    for old in versions:
        try:
            parsed = Version(old)
        except InvalidVersion:
            raise DeployError(
                f"Scrapyd holds version {old!r}, which is not a PEP 440 version (Scrapyd replaces characters "
                f"outside [A-Za-z0-9_-] with '_'): with it Scrapyd compares versions as strings and may run the "
                f"wrong egg. Delete it first (delversion.json, see README)"
            ) from None
        if old != version and parsed >= new:
            raise DeployError(
                f"Scrapyd holds version {old!r}, which sorts after {version!r}, so Scrapyd would keep running "
                f"it. Delete it first (delversion.json, see README)"
            )


def preflight(name, version):
    scrapyd = Scrapyd(target_of(name))
    check_order(scrapyd.versions(), version)


def verify(name, version, spider, answer):
    scrapyd = Scrapyd(target_of(name))
    try:
        data = json.loads(answer)
    except ValueError:
        raise DeployError(f"scrapyd-deploy printed no JSON answer: {answer[:500]!r}") from None
    try:
        if data.get("status") != "ok":
            raise DeployError(rejection(str(data.get("message", data))))
        if data.get("version") != version:
            raise DeployError(f"Scrapyd stored version {data.get('version')!r}, not {version!r}")
        spiders = scrapyd.call("listspiders.json", project=scrapyd.project, _version=version)[
            "spiders"
        ]
        if spider not in spiders:
            raise DeployError(
                f"the deployed egg does not list spider {spider!r} (it lists: {spiders})"
            )
    except DeployError as e:
        raise DeployError(f"{e}\n{remove_broken(scrapyd, version)}") from None
    latest = scrapyd.versions()[-1]
    if latest != version:
        raise DeployError(
            f"Scrapyd will run version {latest!r}, not the one just deployed ({version!r})"
        )


def rejection(message):
    """Scrapyd's error for an egg it could not load (`scrapy list` on the
    server), summed up on its last line."""
    message = message.strip()
    last = message.splitlines()[-1] if message else "no message"
    hint = ""
    if re.search(r"\b(ModuleNotFoundError|ImportError)\b", last):
        hint = (
            "\n   Scrapyd does not install an egg's requirements: the module must be in Scrapyd's own "
            "environment (requirements.txt, the Dockerfile) or in the egg (setup.py)"
        )
    return f"Scrapyd rejected the egg; loading it on the server failed:\n{message}\n=> {last}{hint}"


def remove_broken(scrapyd, version):
    """Scrapyd stores an egg before it finds out the egg is broken; delete it
    so that the previous version stays the one that runs."""
    try:
        if version not in scrapyd.versions():
            return f"version {version} was not stored"
        scrapyd.call("delversion.json", method="POST", project=scrapyd.project, version=version)
        versions = scrapyd.versions()
        running = (
            f"version {versions[-1]} runs" if versions else "no version of the project is left"
        )
        return f"removed the rejected version {version} from Scrapyd; {running}"
    except DeployError as e:
        return f"could not remove the rejected version {version} ({e}): delete it (README) before scheduling"


def main(argv):
    try:
        match argv:
            case ["target", name]:
                target = target_of(name)
                print(target["url"], target["project"])
            case ["preflight", name, version]:
                preflight(name, version)
            case ["verify", name, version, spider]:
                verify(name, version, spider, sys.stdin.read())
            case _:
                print(__doc__, file=sys.stderr)
                return 2
    except DeployError as e:
        print(f"deploy: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
