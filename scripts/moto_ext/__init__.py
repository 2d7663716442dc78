"""The launcher's additions to moto, one module per service (see scripts/moto_server.py)."""
