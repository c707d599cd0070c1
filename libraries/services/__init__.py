"""Library use-cases: the only place their logic lives (docs/architecture.md, "Rules the code
keeps")."""
