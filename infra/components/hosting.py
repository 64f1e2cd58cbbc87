"""Firebase Hosting for the web app: the site; firebase-tools deploys the built files.

The site's rewrites live in ``web/firebase.json`` beside the app they serve: ``/api/**`` and
``/ops/**`` go to the two public HTTPS functions, so the browser stays same-origin, and every
other path falls back to ``index.html`` for the app's client-side routes. Pulumi owns the site
(a stable, reviewable resource); each release of files is a firebase-tools deploy, so a
frontend change never needs a ``pulumi up``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp


@dataclass
class HostingArgs:
    """The project and the globally unique site id (``<project>-web`` unless configured)."""

    project: str
    site_id: str


class Hosting(pulumi.ComponentResource):
    """One Firebase Hosting site for the web app."""

    site: gcp.firebase.HostingSite
    url: pulumi.Output[str]

    def __init__(self, name: str, args: HostingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("career:hosting:Hosting", name, {}, opts)
        self.site = gcp.firebase.HostingSite(
            "web",
            project=args.project,
            site_id=args.site_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.url = self.site.default_url
        self.register_outputs({"site_id": self.site.site_id, "url": self.url})
