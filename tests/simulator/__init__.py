"""Tests for the wire-protocol simulator."""
