"""Settings: environment parsing, typed coercion with clear errors, and the README's table kept complete."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from moderation.settings import PREFIX, Settings


def test_defaults_without_environment() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///kommentare.db"
    assert settings.toxicity_model == "bundled"
    assert settings.thresholds == {}  # no overrides: the active model's own defaults apply


def test_environment_is_coerced_to_field_types() -> None:
    settings = Settings.from_env(
        {
            "KOMMENTARE_BODY_MAX_LENGTH": "1200",
            "KOMMENTARE_AUTO_CREATE_ARTICLES": "true",
            "KOMMENTARE_MODEL_TIMEOUT_SECONDS": "0.5",
            "KOMMENTARE_CORS_ORIGINS": "https://a.example, https://b.example",
            "KOMMENTARE_THRESHOLDS": '{"insult": {"hold": 0.3}}',
        }
    )
    assert settings.body_max_length == 1200
    assert settings.auto_create_articles is True
    assert settings.model_timeout_seconds == 0.5
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.thresholds == {"insult": {"hold": 0.3}}  # laid over the model's defaults at start-up


def test_database_url_falls_back_to_plain_database_url() -> None:
    assert Settings.from_env({"DATABASE_URL": "postgresql://x/y"}).database_url == "postgresql://x/y"
    both = {"DATABASE_URL": "postgresql://x/y", "KOMMENTARE_DATABASE_URL": "sqlite:///z.db"}
    assert Settings.from_env(both).database_url == "sqlite:///z.db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KOMMENTARE_BODY_MAX_LENGTH", "lots"),
        ("KOMMENTARE_DEMO_PAGE", "maybe"),
        ("KOMMENTARE_THRESHOLDS", '{"insult": {"block": 0.3}}'),
        ("KOMMENTARE_THRESHOLDS", "not json"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: value})


def test_unknown_override_is_an_error() -> None:
    with pytest.raises(ValueError, match="no_such_setting"):
        Settings.from_env({}, no_such_setting=1)


def test_readme_documents_every_setting() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(KOMMENTARE_[A-Z0-9_]+)`", readme))
    expected = {PREFIX + f.name.upper() for f in fields(Settings)}
    assert expected - documented == set(), "settings missing from README"


def test_the_instance_folder_is_a_setting(tmp_path: Path) -> None:
    """Instance files (model candidates, the claim-vector cache) go where the setting says: a read-only code
    directory in production, a folder of its own for every test."""
    app = create_app({"database_url": f"sqlite:///{tmp_path / 'db.sqlite'}", "instance_path": str(tmp_path / "i")})
    assert app.instance_path == str(tmp_path / "i") and (tmp_path / "i").is_dir()
    assert app.config["KOMMENTARE"].model_dir == str(tmp_path / "i" / "models")


def test_each_test_app_has_its_own_instance_folder(app: Flask, tmp_path: Path) -> None:
    assert Path(app.instance_path) == tmp_path / "instance"
