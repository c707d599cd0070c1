"""Metadata sources that are not stores: they describe releases a library already has (IGDB,
HowLongToBeat) and never own a library. Each folder has a client (HTTP in, typed records out, no
ORM) and a fake server for tests and demos; docs/metadata.md describes both."""
