"""The one place where V2C and routing errors become translated Home Assistant errors.

Entity commands use the `handle_errors` decorator, actions the `translated_errors` context.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .api import V2CAuthenticationError, V2CError, V2CRateLimitError, V2CValidationError
from .budget import window_end
from .charger import RouteError
from .const import DOMAIN
from .coordinator import V2CCloudCoordinator
from .entity import V2CCloudEntity

# Longest text echoed in an error message or log (device ids are 32; a longer value is cut).
ECHO_MAX = 40


def clip(value: object) -> str:
    """Return a value as text fit to echo in a message: at most ECHO_MAX characters."""
    text = str(value)
    return text if len(text) <= ECHO_MAX else f"{text[: ECHO_MAX - 1]}…"


@contextmanager
def translated_errors(cloud: V2CCloudCoordinator | None) -> Iterator[None]:
    """Turn V2C errors raised inside into translated Home Assistant errors.

    A refused API key also starts the re-authentication of the cloud's entry.
    """
    try:
        yield
    except RouteError as err:
        raise _error(err.key, **err.placeholders) from err
    except V2CValidationError as err:
        placeholders = {"field": err.field or "value", **err.placeholders}
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.reason,
            translation_placeholders={k: clip(v) for k, v in placeholders.items()},
        ) from err
    except V2CAuthenticationError as err:
        if cloud is not None:
            cloud.config_entry.async_start_reauth(cloud.hass)
        raise _error("auth_failed") from err
    except V2CRateLimitError as err:
        snap = cloud.client.rate_limit if cloud is not None else None
        resume = window_end(dt_util.utcnow(), snap.reset if snap else None)
        raise _error(
            "quota_exhausted_command", resume=dt_util.as_local(resume).strftime("%H:%M")
        ) from err
    except V2CError as err:
        raise _error("cloud_command_failed", error=str(err)) from err


def _error(key: str, **placeholders: str) -> HomeAssistantError:
    """Return a translated error."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def handle_errors[E: V2CCloudEntity, **P](
    func: Callable[Concatenate[E, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[E, P], Coroutine[Any, Any, None]]:
    """Decorate an entity command: V2C errors become translated Home Assistant errors."""

    async def handler(self: E, /, *args: P.args, **kwargs: P.kwargs) -> None:
        with translated_errors(self.charger.cloud):
            await func(self, *args, **kwargs)

    return handler
