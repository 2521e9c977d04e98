"""Queries per resource group on top of `hanami_server.db`."""
