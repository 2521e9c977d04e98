"""The official Python SDK's modules (``hanami_sdk``) as thin shims over hanami_client.

A script written for the official SDK runs after changing only its import line::

    from hanami_client.sdk import (
        checkpoint, cluster, dataset, direct_io, hanami_exceptions, hanami_token, hosts, logs,
        project, task, user,
    )
"""
