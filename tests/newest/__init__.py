"""The newest lane: a real `hass` of the newest Home Assistant, driven over REST and WebSocket."""
