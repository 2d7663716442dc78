"""Tests of the launcher's own modules, against a launcher started on 127.0.0.1."""
