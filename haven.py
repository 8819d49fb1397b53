#!/usr/bin/env python3
"""Haven's two commands, for a machine with nothing but Python 3.11:

    python3 haven.py run     set up, then start the web server, a Celery worker and beat
    python3 haven.py test    set up, then run ruff, the migrations check and pytest

Standard library only: this file runs before any dependency is installed. Both commands
create .venv when it is missing and install the dependencies of pyproject.toml when that file
changed since the last install. Neither reads standard input, so both work in CI.

Environment: DATABASE_URL and REDIS_URL switch `run` from the embedded defaults (a SQLite file
and a filesystem queue under var/) to PostgreSQL and Redis; HAVEN_PORT (8000) is the web port;
HAVEN_VAR_DIR (var/) holds the database file, the queue and the demo logins; HAVEN_DEMO_PASSWORD
sets every demo user's password. `test` points DATABASE_URL and REDIS_URL at the local
PostgreSQL and Redis when they answer, and with CI=true fails when one of them does not.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_BIN = VENV / "bin"
VENV_PY = VENV_BIN / "python"
INSTALL_STAMP = VENV / "haven-installed.json"
PYTHON = (3, 11)
TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/haven"
TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
CHROMIUM = Path("/usr/bin/chromium")
STARTUP_SECONDS = 90
STOP_SECONDS = 20


class Failure(Exception):
    """A sentence for the user; the command exits non-zero after printing it."""

    def __init__(self, sentence: str, code: int = 1):
        super().__init__(sentence)
        self.code = code


def say(text: str = "") -> None:
    print(text, flush=True)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def call(argv: list, env: dict | None = None, what: str = "") -> None:
    result = subprocess.run([str(a) for a in argv], cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise Failure(f"{what or argv[0]} failed (exit code {result.returncode}).")


# --- environment and dependencies ------------------------------------------------------------


def python_for_venv() -> str:
    if sys.version_info[:2] == PYTHON:
        return sys.executable
    found = shutil.which("python{}.{}".format(*PYTHON))
    if found:
        return found
    raise Failure(
        "Haven needs Python {}.{} (pyproject.toml), and this is Python {}.{}; "
        "install python{}.{} and run this command again.".format(
            *PYTHON, *sys.version_info[:2], *PYTHON
        )
    )


def ensure_venv() -> None:
    if VENV_PY.exists():
        return
    say("Creating the virtual environment in .venv ...")
    result = subprocess.run([python_for_venv(), "-m", "venv", str(VENV)], stdin=subprocess.DEVNULL)
    if result.returncode != 0 or not VENV_PY.exists():
        raise Failure(
            "Could not create .venv; on Debian the venv module is in the python3-venv package "
            "(apt-get install python3-venv)."
        )


def ensure_dependencies(extras: tuple[str, ...]) -> None:
    """Install pyproject.toml's dependencies (and the extras asked for) unless the same
    pyproject.toml was already installed with at least those extras."""
    content = (ROOT / "pyproject.toml").read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    stamp = {}
    if INSTALL_STAMP.exists():
        try:
            stamp = json.loads(INSTALL_STAMP.read_text())
        except ValueError:
            stamp = {}
    installed = set(stamp.get("extras", [])) if stamp.get("pyproject") == digest else None
    if installed is not None and set(extras) <= installed:
        return
    project = tomllib.loads(content.decode("utf-8"))["project"]
    requirements = list(project.get("dependencies", []))
    for extra in extras:
        requirements += project.get("optional-dependencies", {}).get(extra, [])
    label = "the dependencies" + (f" (with {', '.join(extras)})" if extras else "")
    say(f"Installing {label} of pyproject.toml into .venv ...")
    call(
        [VENV_PY, "-m", "pip", "install", "--disable-pip-version-check", *requirements],
        what="pip install",
    )
    INSTALL_STAMP.write_text(
        json.dumps({"pyproject": digest, "extras": sorted(set(extras) | (installed or set()))})
    )


def child_env() -> dict:
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def var_dir(env: dict) -> Path:
    return Path(env.get("HAVEN_VAR_DIR") or ROOT / "var")


def prepare_var(env: dict) -> Path:
    """The embedded broker's folders must exist before a worker or a sender touches them."""
    var = var_dir(env)
    for sub in ("broker/out", "broker/processed", "broker/control", "media"):
        (var / sub).mkdir(parents=True, exist_ok=True)
    return var


def reachable(url: str, default_port: int, timeout: float = 1.0) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout
        ):
            return True
    except OSError:
        return False


def hidden(url: str) -> str:
    """A URL fit to print: no password."""
    parsed = urlparse(url)
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
        return parsed._replace(netloc=netloc).geturl()
    return url


def ensure_postgres_database(env: dict) -> None:
    """Create the database DATABASE_URL names when the server answers but it does not exist."""
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    script = (
        "import sys, psycopg2\n"
        "from urllib.parse import urlparse, unquote\n"
        "u = urlparse(sys.argv[1]); name = u.path.lstrip('/')\n"
        "c = psycopg2.connect(host=u.hostname or 'localhost', port=u.port or 5432,\n"
        "    user=unquote(u.username or '') or None, password=unquote(u.password or '') or None,\n"
        "    dbname='postgres', connect_timeout=5)\n"
        "c.autocommit = True\n"
        "cur = c.cursor()\n"
        "cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', (name,))\n"
        "if name and not cur.fetchone():\n"
        "    cur.execute('CREATE DATABASE \"%s\"' % name.replace('\"', '\"\"'))\n"
        "    print('Created the PostgreSQL database ' + name + '.')\n"
    )
    result = subprocess.run(
        [str(VENV_PY), "-c", script, url], env=env, stdin=subprocess.DEVNULL, capture_output=True
    )
    if result.stdout:
        say(result.stdout.decode().strip())
    if result.returncode != 0:
        say(f"Could not check or create the database of {hidden(url)}; migrate will say more.")


def manage(env: dict, *args: str) -> None:
    call([VENV_PY, "manage.py", *args], env=env, what=f"manage.py {args[0]}")


def compile_messages(env: dict) -> None:
    if not any((ROOT / "locale").glob("**/*.po")):
        return
    if not shutil.which("msgfmt"):
        say("Translations not compiled: msgfmt is missing (Debian package gettext).")
        return
    manage(env, "compilemessages", "--ignore", ".venv", "--ignore", "var")


# --- run ---------------------------------------------------------------------------------------


class Launcher:
    """Starts the children each in its own process group, prefixes their output with their
    name, and stops every group (a worker's pool processes included) on request."""

    def __init__(self, env: dict):
        self.env = env
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()
        self.seen: dict[str, list[str]] = {}

    def start(self, name: str, argv: list) -> subprocess.Popen:
        proc = subprocess.Popen(
            [str(a) for a in argv],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Own session: Ctrl-C reaches only this launcher, which stops the children in order.
            start_new_session=True,
        )
        self.children.append((name, proc))
        self.seen[name] = []
        thread = threading.Thread(target=self._pump, args=(name, proc), daemon=True)
        thread.start()
        self.threads.append(thread)
        return proc

    def _pump(self, name: str, proc: subprocess.Popen) -> None:
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            with self.lock:
                self.seen[name].append(line)
                sys.stdout.write(f"{name:<6} | {line}\n")
                sys.stdout.flush()

    def output_has(self, name: str, *fragments: str) -> bool:
        with self.lock:
            return any(all(f in line for f in fragments) for line in self.seen[name])

    def exited(self) -> tuple[str, int] | None:
        for name, proc in self.children:
            if proc.poll() is not None:
                return name, proc.returncode
        return None

    def stop(self) -> None:
        # The leaders first: a Celery worker then stops its own pool (a warm shutdown).
        for _, proc in self.children:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for _, proc in self.children:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for name, proc in self.children:
            if proc.poll() is None:
                say(f"{name} did not stop within {STOP_SECONDS}s; killing it.")
            # Whatever is left in the group (a pool process of a leader that died) goes too.
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        for thread in self.threads:
            thread.join(5)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def read_logins(var: Path) -> list[tuple[str, str, str, str]]:
    """(role, username, password, TOTP secret) rows of the demo logins file."""
    path = var / "demo-logins.txt"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#"):
            rows.append((parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
    return rows


def cmd_run(extra: list[str]) -> int:
    if extra:
        raise Failure(f"`run` takes no arguments (got {' '.join(extra)}).", 2)
    ensure_venv()
    ensure_dependencies(())
    env = child_env()
    var = prepare_var(env)
    port = int(env.get("HAVEN_PORT") or 8000)
    if not port_free(port):
        raise Failure(f"Port {port} is already in use; set HAVEN_PORT to another port.")
    ensure_postgres_database(env)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    compile_messages(env)

    stop = threading.Event()
    received: list[int] = []

    def on_signal(signum, frame):
        received.append(signum)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    launcher = Launcher(env)
    celery = [VENV_PY, "-m", "celery", "-A", "config"]
    concurrency = env.get("HAVEN_WORKER_CONCURRENCY") or "2"
    launcher.start("web", [VENV_PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"])
    launcher.start(
        "worker",
        # No gossip, mingle or heartbeat: they are for workers talking to each other, and the
        # filesystem broker would keep their broadcast state in ./control, in the repository.
        [*celery, "worker", "--loglevel=INFO", f"--concurrency={concurrency}", "-n", "haven@%h",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
    )  # fmt: skip
    launcher.start(
        "beat",
        [*celery, "beat", "--loglevel=INFO", "-s", var / "celerybeat-schedule"],
    )
    try:
        code = supervise(launcher, env, var, port, stop)
    finally:
        say("Stopping Haven ...")
        launcher.stop()
        say("Haven stopped.")
    return code


def supervise(launcher: Launcher, env: dict, var: Path, port: int, stop: threading.Event) -> int:
    def wait_until(check, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not stop.is_set() and time.monotonic() < deadline:
            if launcher.exited():
                return False
            if check():
                return True
            stop.wait(0.2)
        return False

    def web_answers() -> bool:
        return reachable(f"http://127.0.0.1:{port}/", port, timeout=0.5)

    if not wait_until(web_answers, STARTUP_SECONDS) and not stop.is_set():
        return _startup_failed(launcher, "the web server did not start")
    if not wait_until(lambda: launcher.output_has("worker", "ready."), STARTUP_SECONDS):
        if stop.is_set():
            return 0
        return _startup_failed(launcher, "the worker did not start")
    # The start-up check: a task through the same queue the app uses, run by the worker.
    subprocess.run(
        [str(VENV_PY), "-c", "from config.celery import app; app.send_task('haven.ping')"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    worker_ok = wait_until(
        lambda: launcher.output_has("worker", "haven.ping[", "succeeded"), STARTUP_SECONDS
    )
    if stop.is_set():
        return 0
    if not worker_ok:
        return _startup_failed(launcher, "the worker did not run the start-up task haven.ping")

    database = env.get("DATABASE_URL") or f"sqlite:///{var / 'haven.sqlite3'}"
    broker = env.get("REDIS_URL") or f"filesystem queue in {var / 'broker'}"
    lines = [
        "",
        f"Haven is running at http://127.0.0.1:{port}/",
        f"  database: {hidden(database)}",
        f"  broker:   {hidden(broker)}",
        "  worker:   ran the start-up task haven.ping; beat is scheduling",
        "",
        f"Demo logins (also in {var / 'demo-logins.txt'}):",
    ]
    lines += [
        f"  {role:<12} {user} / {password}   (TOTP secret {secret})"
        for role, user, password, secret in read_logins(var)
    ]
    lines += [
        "",
        "Every account needs its second factor: add the TOTP secret to an authenticator app,",
        "or print the current code with:  .venv/bin/python manage.py demo_code USERNAME",
    ]
    lines += ["", "Press Ctrl-C to stop.", ""]
    say("\n".join(lines))

    while not stop.is_set():
        ended = launcher.exited()
        if ended:
            name, code = ended
            say(f"The {name} process stopped (exit code {code}); stopping the others.")
            return 1
        stop.wait(0.5)
    return 0


def _startup_failed(launcher: Launcher, what: str) -> int:
    ended = launcher.exited()
    detail = f" ({ended[0]} exited with code {ended[1]})" if ended else ""
    say(f"Haven did not come up: {what}{detail}. Its output is above.")
    return 1


# --- test --------------------------------------------------------------------------------------


# Debian packages the suite needs: the browser for the browser tests, and the text-shaping
# libraries WeasyPrint renders PDFs with (without harfbuzz-subset it falls back to a slow path).
SYSTEM_PACKAGES = ["chromium", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"]


def _missing_packages() -> list[str]:
    missing = []
    for name in SYSTEM_PACKAGES:
        if name == "chromium":
            if not CHROMIUM.exists():
                missing.append(name)
            continue
        status = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        if "install ok installed" not in status.stdout:
            missing.append(name)
    return missing


def ensure_chromium() -> None:
    if not shutil.which("dpkg-query"):
        missing = [] if CHROMIUM.exists() else ["chromium"]
    else:
        missing = _missing_packages()
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(
            f"Installing Debian packages for the tests (apt-get install -y {' '.join(missing)}) ..."
        )
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", *missing]
        if subprocess.run(install, env=apt_env, stdin=subprocess.DEVNULL).returncode != 0:
            # A fresh machine has no package lists yet.
            subprocess.run(["apt-get", "update"], env=apt_env, stdin=subprocess.DEVNULL)
            subprocess.run(install, env=apt_env, stdin=subprocess.DEVNULL)
    else:
        say(
            f"Missing Debian packages ({' '.join(missing)}) need root to install: browser tests "
            "will be skipped and PDFs may render slowly."
        )
    if not CHROMIUM.exists() and in_ci():
        raise Failure(f"CI=true needs {CHROMIUM} for the browser tests, and it is missing.", 4)


def configure_services(env: dict) -> None:
    """Point the suite at the local PostgreSQL and Redis when they answer."""
    services = [
        ("DATABASE_URL", TEST_DATABASE_URL, 5432, "PostgreSQL"),
        ("REDIS_URL", TEST_REDIS_URL, 6379, "Redis"),
    ]
    missing = []
    for variable, default, port, label in services:
        url = env.get(variable) or default
        if reachable(url, port):
            env[variable] = url
            say(f"{label}: {hidden(url)}")
        else:
            where = f"{urlparse(url).hostname}:{urlparse(url).port or port}"
            missing.append(f"{label} is not reachable at {where}")
            if not env.get(variable):
                say(f"{label} not found at {where}: the integration tests that need it will skip.")
    if missing and in_ci():
        raise Failure(
            "CI=true needs PostgreSQL and Redis, but "
            + " and ".join(missing)
            + " (start them, or set DATABASE_URL and REDIS_URL).",
            3,
        )


def cmd_test(extra: list[str]) -> int:
    ensure_venv()
    ensure_dependencies(("test",))
    ensure_chromium()
    env = child_env()
    prepare_var(env)
    configure_services(env)
    ensure_postgres_database(env)

    say("ruff check . ...")
    lint = subprocess.run([str(VENV_BIN / "ruff"), "check", "."], cwd=ROOT, env=env).returncode
    say("makemigrations --check ...")
    migrations = subprocess.run(
        [str(VENV_PY), "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
    ).returncode
    # Both cores (pytest-xdist; each process has its own test database and Redis database),
    # unless the caller chose: `haven.py test -n 0` runs in one process.
    parallel = (
        []
        if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in extra)
        else [
            "-n",
            str(min(os.cpu_count() or 1, 4)),
        ]
    )
    say("pytest ...")
    tests = subprocess.run(
        [str(VENV_PY), "-m", "pytest", *parallel, *extra],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
    ).returncode

    problems = []
    if lint:
        problems.append("ruff found problems")
    if migrations:
        problems.append("models have changes without a migration")
    if tests == 5:
        problems.append("pytest collected no tests")
    elif tests:
        problems.append(f"pytest failed (exit code {tests})")
    if problems:
        say("Tests failed: " + "; ".join(problems) + ".")
        return tests if tests not in (0, 5) else 1
    say("All checks passed.")
    return 0


COMMANDS = {"run": cmd_run, "test": cmd_test}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        say(__doc__.strip().split("\n\n")[0])
        return 2
    try:
        return COMMANDS[argv[0]](argv[1:])
    except Failure as failure:
        say(str(failure))
        return failure.code
    except KeyboardInterrupt:
        say("Interrupted.")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
