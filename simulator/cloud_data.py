"""Cloud RFID-card and power-profile endpoints (PROTOCOL.md §1.3)."""

from __future__ import annotations

from typing import Final

from . import params as p
from .cloud_commands import executed
from .endpoints import Call, Endpoint, Param
from .reply import Reply, as_json, error

CODE: Final = Param(name="code", parse=p.label)
TAG: Final = Param(name="tag", parse=p.label)
NAME: Final = Param(name="name", parse=p.label)
UPDATE_AT: Final = Param(name="updateAt", parse=p.timestamp)


def _list_cards(call: Call) -> Reply:
    """List the stored cards."""
    return as_json(call.device.rfid_cards)


def _learn_card(call: Call) -> Reply:
    """Enter learning mode; the simulated user swipes a card at once."""
    call.device.learn_card(call.args["tag"])
    return executed()


def _delete_card(call: Call) -> Reply:
    """Delete a card by UID."""
    card = call.device.find_card(call.args["code"])
    if card is None:
        return error(404, "Card not found")
    call.device.rfid_cards.remove(card)
    return executed()


def _add_card(call: Call) -> Reply:
    """Add a card by UID, or relabel it when it already exists."""
    card = call.device.find_card(call.args["code"])
    if card is None:
        call.device.add_card(call.args["code"], call.args["tag"])
    else:
        card["tag"] = call.args["tag"]
    return executed()


def _rename_card(call: Call) -> Reply:
    """Relabel an existing card."""
    card = call.device.find_card(call.args["code"])
    if card is None:
        return error(404, "Card not found")
    card["tag"] = call.args["tag"]
    return executed()


def _save_profile(call: Call) -> Reply:
    """Create a profile, stored as given under its updateAt key."""
    update_at = call.args["updateAt"]
    call.device.power_profiles[update_at] = {
        "name": call.args["name"],
        "updateAt": update_at,
        "profile": call.body,
    }
    return executed()


def _update_profile(call: Call) -> Reply:
    """Replace a profile found by updateAt or name, re-keyed by the new updateAt."""
    profiles = call.device.power_profiles
    update_at = call.args["updateAt"]
    key = update_at if update_at in profiles else None
    if key is None:
        key = next((k for k, v in profiles.items() if v["name"] == call.args["name"]), None)
    if key is None:
        return error(404, "Profile not found")
    del profiles[key]
    profiles[update_at] = {"name": call.args["name"], "updateAt": update_at, "profile": call.body}
    return executed()


def _get_profile(call: Call) -> Reply:
    """Return one profile body exactly as it was given."""
    stored = call.device.power_profiles.get(call.args["updateAt"])
    if stored is None:
        return error(404, "Profile not found")
    return as_json(stored["profile"])


def _delete_profile(call: Call) -> Reply:
    """Delete a profile by updateAt."""
    if call.device.power_profiles.pop(call.args["updateAt"], None) is None:
        return error(404, "Profile not found")
    return executed()


def _list_profiles(call: Call) -> Reply:
    """List every profile with its name and updateAt."""
    profiles = call.device.power_profiles
    return as_json([profiles[key] for key in sorted(profiles)])


DATA: Final = (
    Endpoint(method="GET", path="/device/rfid", action=_list_cards),
    Endpoint(
        method="POST", path="/device/rfid", action=_learn_card, params=(TAG,), needs_link=True
    ),
    Endpoint(
        method="DELETE", path="/device/rfid", action=_delete_card, params=(CODE,), needs_link=True
    ),
    Endpoint(
        method="POST",
        path="/device/rfid/tag",
        action=_add_card,
        params=(CODE, TAG),
        needs_link=True,
    ),
    Endpoint(
        method="PUT",
        path="/device/rfid/tag",
        action=_rename_card,
        params=(CODE, TAG),
        needs_link=True,
    ),
    Endpoint(
        method="POST",
        path="/device/savepersonalicepower/v2",
        action=_save_profile,
        params=(NAME, UPDATE_AT),
        json_body=True,
    ),
    Endpoint(
        method="POST",
        path="/device/personalicepower/v2",
        action=_update_profile,
        selector="id",
        params=(NAME, UPDATE_AT),
        json_body=True,
    ),
    Endpoint(
        method="GET",
        path="/device/personalicepower/v2",
        action=_get_profile,
        params=(UPDATE_AT,),
    ),
    Endpoint(
        method="DELETE",
        path="/device/personalicepower/v2",
        action=_delete_profile,
        params=(NAME, UPDATE_AT),
    ),
    Endpoint(method="GET", path="/device/personalicepower/all", action=_list_profiles),
)
