"""One package per platform; each exposes a client that returns ``platforms.records``."""
