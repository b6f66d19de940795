"""A throw-away public-key infrastructure for TLS tests, made with the `openssl` command."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Identity:
    """A PEM key and certificate (a CA's or a leaf's)."""

    key: Path
    cert: Path


def _openssl(*arguments: str) -> None:
    subprocess.run(["openssl", *arguments], check=True, capture_output=True, timeout=60)


def make_ca(directory: Path, name: str) -> Identity:
    ca = Identity(directory / f"{name}.key", directory / f"{name}.pem")
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(ca.key), "-out", str(ca.cert), "-days", "2", "-subj", f"/CN={name}",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return ca


def issue(ca: Identity, directory: Path, name: str, server: bool) -> Identity:
    """A leaf certificate signed by `ca`: for 'localhost' and 127.0.0.1 when `server`, else a client's."""
    leaf = Identity(directory / f"{name}.key", directory / f"{name}.pem")
    request = directory / f"{name}.csr"
    extensions = directory / f"{name}.ext"
    extensions.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" if server
                          else "extendedKeyUsage=clientAuth\n")
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(leaf.key), "-out", str(request), "-subj", f"/CN={name}")
    _openssl("x509", "-req", "-in", str(request), "-CA", str(ca.cert), "-CAkey", str(ca.key), "-CAcreateserial",
             "-out", str(leaf.cert), "-days", "2", "-extfile", str(extensions))
    return leaf
