"""Tests for the V2C Cloud integration, its API layer and the simulator."""
