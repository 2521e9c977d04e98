"""The official Python SDK's modules (``hanami_sdk``) as thin shims over hanami_client.

A script written for the official SDK runs after changing only its import line::

    from hanami_client.sdk import cluster, dataset, hanami_token, project, user, hanami_exceptions
"""
