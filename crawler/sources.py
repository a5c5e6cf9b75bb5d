"""config/sources.yaml → validated Source records, with errors that name the line and field."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from crawler.models import Source

_FIELDS = {
    "name": str, "seeds": list, "sitemaps": list, "feeds": list, "allow": list, "deny": list,
    "max_depth": int, "max_pages": int, "delay_seconds": (int, float), "crawl_every_weeks": int,
    "max_bytes": int, "timeout_seconds": (int, float), "allow_private_networks": bool,
    "allow_private_hosts": list,
}
_AUTHORITY = re.compile(r"^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\]):[0-9]{1,5}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class SourcesError(ValueError):
    """config/sources.yaml is invalid; the message says where and why."""


def load_sources(path: Path) -> list[Source]:
    text = Path(path).read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: not valid YAML: {exc}") from exc
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesError(f"{path}: expected a top-level 'sources:' list")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):  # Fix: was a bare TypeError from {**defaults}
        raise SourcesError(f"{path}: 'defaults:' must be a mapping")
    nodes = _mapping(root).get("sources")
    sources, names = [], set()
    for i, entry in enumerate(data["sources"]):
        line = nodes.value[i].start_mark.line + 1 if nodes is not None else 0
        if entry is not None and not isinstance(entry, dict):  # Fix: was a bare TypeError
            raise SourcesError(f"{path}:{line}: sources[{i}] must be a mapping of fields")
        source = _source(path, line, {**defaults, **(entry or {})})
        if source.name in names:
            raise SourcesError(f"{path}:{line}: sources[{i}].name: duplicate name {source.name!r}")
        names.add(source.name)
        sources.append(source)
    return sources


def _mapping(node):
    return {k.value: v for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}


def _source(path: Path, line: int, entry: dict) -> Source:
    where = f"{path}:{line}"
    for key, value in entry.items():
        if key not in _FIELDS:
            raise SourcesError(f"{where}: unknown field {key!r} (known: {', '.join(_FIELDS)})")
        if not isinstance(value, _FIELDS[key]) or (isinstance(value, bool) and _FIELDS[key] is not bool):
            raise SourcesError(f"{where}: field {key!r} has the wrong type: {value!r}")
    name = entry.get("name")
    if not name or not _NAME.match(name):
        raise SourcesError(f"{where}: field 'name' must be lower-case letters, digits, - or _")
    for key in ("seeds", "sitemaps", "feeds"):
        for url in entry.get(key, []):
            if not isinstance(url, str) or not re.match(r"^https?://[^\s/]+", url):
                raise SourcesError(f"{where}: field {key!r}: not an http(s) URL: {url!r}")
    for authority in entry.get("allow_private_hosts", []):
        if not isinstance(authority, str) or not _AUTHORITY.match(authority):
            raise SourcesError(f"{where}: field 'allow_private_hosts': not a lower-case "
                               f"host:port: {authority!r}")
    for key in ("allow", "deny"):
        for pattern in entry.get(key, []):
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                raise SourcesError(f"{where}: field {key!r}: bad pattern {pattern!r}: {exc}")
    if not (entry.get("seeds") or entry.get("sitemaps") or entry.get("feeds")):
        raise SourcesError(f"{where}: source {name!r} needs seeds, sitemaps or feeds")
    if entry.get("delay_seconds", 1.0) < 0 or entry.get("max_pages", 1) < 1:
        raise SourcesError(f"{where}: delay_seconds must be ≥ 0 and max_pages ≥ 1")
    for key in ("crawl_every_weeks", "max_bytes", "timeout_seconds"):
        if key in entry and entry[key] <= 0:
            raise SourcesError(f"{where}: field {key!r} must be > 0")
    return Source(**{k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()})
