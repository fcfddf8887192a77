"""Tests for the HA-agnostic V2C API package."""
