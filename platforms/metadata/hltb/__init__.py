"""HowLongToBeat's site search (no official API; optional, failure-tolerant)."""
