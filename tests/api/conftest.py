"""Fixtures for the API package tests: an aiohttp session, aioresponses and both clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
import re
from typing import Any

from aiohttp import ClientSession
from aioresponses import aioresponses
import pytest
from yarl import URL

from custom_components.v2c_cloud.api import V2CCloudClient, V2CLocalClient

API_KEY = "k3y-SECRET-0123456789abcdef"
BASE_URL = "https://v2c.cloud/kong/v2c_service"
DEVICE_ID = "ABC1234"
LAN_HOST = "192.168.1.50"
FIXTURES = Path(__file__).parent / "fixtures"


def load_text(name: str) -> str:
    """Return a fixture file's text."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def cloud_url(path: str) -> re.Pattern[str]:
    """Match a cloud path with any query string."""
    return re.compile(rf"^{re.escape(BASE_URL + path)}(\?.*)?$")


def lan_url(path: str, host: str = LAN_HOST) -> str:
    """Return the exact LAN URL of a path."""
    return f"http://{host}/{path}"


def only_request(mock: aioresponses) -> tuple[str, URL, dict[str, Any]]:
    """Return (method, url, kwargs) of the single request recorded by aioresponses."""
    assert len(mock.requests) == 1, list(mock.requests)
    (method, url), calls = next(iter(mock.requests.items()))
    assert len(calls) == 1
    return method, url, calls[0].kwargs


@pytest.fixture
async def session() -> AsyncIterator[ClientSession]:
    """Provide a real aiohttp session (aioresponses intercepts its requests)."""
    async with ClientSession() as client_session:
        yield client_session


@pytest.fixture
def http() -> Iterator[aioresponses]:
    """Intercept every aiohttp request."""
    with aioresponses() as mock:
        yield mock


@pytest.fixture
def cloud(session: ClientSession) -> V2CCloudClient:
    """Provide a cloud client with the test API key."""
    return V2CCloudClient(api_key=API_KEY, session=session)


@pytest.fixture
def local(session: ClientSession) -> V2CLocalClient:
    """Provide a LAN client for a private IPv4 host."""
    return V2CLocalClient(host=LAN_HOST, session=session)
