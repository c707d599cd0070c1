"""One package per store or file source; each exposes ``SPEC`` (platforms.contract) and a client
that returns ``platforms.records``. platforms.registry discovers them."""
