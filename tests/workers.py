"""Real Celery worker processes for tests: no eager mode, the configured broker
(Redis in CI, the embedded filesystem broker without REDIS_URL) and the test database."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database the tests run on, for a child process."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = test_database_url()
    env["PORTAL_VAR_DIR"] = str(settings.VAR_DIR)
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def purge_queue(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "portal", "purge", "-f"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


@contextmanager
def celery_worker(name: str = "w1", *, purge: bool = True, **env_overrides: str):
    """Start ``celery worker`` in a child process, wait until it is ready, stop it after."""
    env = child_env(**env_overrides)
    if purge:
        purge_queue(env)
    args = [
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}@%h",
    ]
    with _celery_process(args, env=env, log_name=f"worker-{name}", ready="ready.", what="worker start") as process:
        yield process


@contextmanager
def _celery_process(args: list[str], *, env: dict[str, str], log_name: str, ready: str, what: str):
    """``celery -A portal <args>`` in a child process logging to VAR_DIR: yielded once ``ready``
    shows in its log, terminated (killed if it will not stop) after."""
    log_path = Path(settings.VAR_DIR) / f"{log_name}-{os.getpid()}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(lambda: ready in log_path.read_text(), process, log_path, what=what)
        process.log_path = log_path
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(condition, process, log_path, *, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited ({process.returncode}):\n{log_path.read_text()}")
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not happen within {timeout}s:\n{log_path.read_text()}")


def wait_until(condition, *, timeout: float = 30.0, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"{what} did not happen within {timeout}s")


@contextmanager
def celery_beat(name: str = "beat", **env_overrides: str):
    """Start ``celery beat`` (the configured scheduler, on the test database) in a child
    process; it sends the periodic tasks of CELERY_BEAT_SCHEDULE to the configured broker."""
    schedule_path = Path(settings.VAR_DIR) / f"beat-{name}-{os.getpid()}.schedule"
    args = ["beat", "--loglevel=DEBUG", "-s", str(schedule_path)]
    with _celery_process(
        args, env=child_env(**env_overrides), log_name=f"beat-{name}", ready="beat: Starting...", what="beat start"
    ) as process:
        yield process
