"""docker-compose.yml (checked statically: no Docker engine here) has the Mailpit service
that receives the weekly report in the composed deployment."""
from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def test_compose_has_mailpit():
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    mailpit = compose["services"]["mailpit"]
    assert mailpit["image"].startswith("axllent/mailpit")
    assert any(str(p).endswith(":8025") for p in mailpit.get("ports", []))  # its web UI
