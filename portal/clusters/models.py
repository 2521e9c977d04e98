"""The portal's copy of the templates it created clusters from (the backend never returns one)."""

from __future__ import annotations

from django.db import models


class ClusterTemplate(models.Model):
    """The template text a cluster was created from through the portal (pages, API, command)."""

    cluster_uuid = models.CharField(max_length=36, unique=True)
    text = models.TextField()
    # The backend user id of whoever created the cluster (commands have no portal user).
    created_by = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"template of cluster {self.cluster_uuid}"
