"""Pulumi program: composes one component per area, every resource from the topology manifest.

``pulumi up`` (from this folder) runs ``main()``; tests and ``make infra-inventory`` call
``compose`` under Pulumi mocks.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path

if __package__ in (None, ""):
    # The Pulumi CLI runs this folder as a script; make `infra` importable as it is in tests.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pulumi

from infra.bundle import Bundle, build_all
from infra.components.apis import Apis, ApisArgs, required_apis
from infra.components.dashboard import Dashboard, DashboardArgs
from infra.components.firestore import Firestore, FirestoreArgs
from infra.components.functions import Functions, FunctionsArgs
from infra.components.hosting import Hosting, HostingArgs
from infra.components.identity import Identity, IdentityArgs
from infra.components.messaging import Messaging, MessagingArgs
from infra.components.monitoring import Monitoring, MonitoringArgs
from infra.components.rules import Rules, RulesArgs
from infra.components.scheduler import Scheduler, SchedulerArgs
from infra.components.secrets import Secrets, SecretsArgs, secret_names
from infra.components.slos import ServiceLevels, ServiceLevelsArgs
from infra.components.storage import Storage, StorageArgs
from infra.components.tasks import Tasks, TasksArgs
from infra.config import REPO_ROOT, StackConfig, load
from shared.topology import TOPOLOGY, Topology


def compose(
    cfg: StackConfig, topology: Topology, bundles: Mapping[str, Bundle]
) -> dict[str, pulumi.Output[str]]:
    """Declare the whole system; returns the stack outputs."""
    apis = Apis("apis", ApisArgs(cfg.project, required_apis(topology)))
    after_apis = pulumi.ResourceOptions(depends_on=[apis])
    identity = Identity("identity", IdentityArgs(cfg.project, topology), after_apis)
    secrets = Secrets(
        "secrets",
        SecretsArgs(cfg.project, topology, identity.functions, cfg.labels, cfg.secret_values),
        after_apis,
    )
    storage = Storage(
        "storage",
        StorageArgs(
            cfg.project, cfg.region, cfg.labels, cfg.cors_origins, cfg.abandoned_upload_days, cfg.protect_data
        ),
        after_apis,
    )
    firestore = Firestore(
        "firestore",
        FirestoreArgs(cfg.project, cfg.firestore_location, topology, cfg.protect_data),
        after_apis,
    )
    environment: dict[str, pulumi.Input[str]] = {
        "CAREER_BACKEND": "gcp",
        "CAREER_ENVIRONMENT": cfg.environment,
        "CAREER_PROJECT_ID": cfg.project,
        "CAREER_REGION": cfg.region,
        "CAREER_UPLOADS_BUCKET": storage.uploads.name,
        "CAREER_TEXT_BUCKET": storage.text.name,
        "CAREER_TASKS_SERVICE_ACCOUNT": identity.tasks_invoker.email,
        "CAREER_FUNCTION_BASE_URL": f"https://{cfg.region}-{cfg.project}.cloudfunctions.net",
        "CAREER_LLM_PROVIDER": "gemini",
        "CAREER_GEMINI_LOCATION": cfg.gemini_location,
        "CAREER_CORS_ORIGINS": json.dumps(list(cfg.cors_origins)),
        "LOG_EXECUTION_ID": "true",
    }
    functions = Functions(
        "functions",
        FunctionsArgs(
            cfg.project,
            cfg.region,
            topology,
            bundles,
            identity.functions,
            identity.builder,
            storage.sources,
            environment,
            secrets.secrets,
            cfg.labels,
            canary=cfg.canary_releases,
        ),
        pulumi.ResourceOptions(depends_on=[apis, identity, secrets, firestore]),
    )
    messaging = Messaging(
        "messaging",
        MessagingArgs(
            cfg.project, topology, functions.functions, identity.push_invoker, storage.uploads, cfg.labels
        ),
        after_apis,
    )
    Tasks(
        "tasks",
        TasksArgs(cfg.project, cfg.region, topology, functions.functions, identity.tasks_invoker),
        after_apis,
    )
    Scheduler("scheduler", SchedulerArgs(cfg.project, cfg.region, topology, messaging.topics), after_apis)
    Rules(
        "rules",
        RulesArgs(cfg.project, firestore.database, {"uploads": storage.uploads, "text": storage.text}),
        after_apis,
    )
    monitoring = Monitoring(
        "monitoring", MonitoringArgs(cfg.project, topology, cfg.alert_email, cfg.environment), after_apis
    )
    ServiceLevels("service-levels", ServiceLevelsArgs(cfg.project, topology, cfg.environment), after_apis)
    Dashboard(
        "dashboard",
        DashboardArgs(cfg.project, topology, cfg.environment, list(monitoring.metrics.values())),
        after_apis,
    )
    hosting = Hosting("hosting", HostingArgs(cfg.project, cfg.web_site_id), after_apis)
    outputs: dict[str, pulumi.Output[str]] = {
        "uploads_bucket": storage.uploads.name,
        "text_bucket": storage.text.name,
        "web_url": hosting.url,
        "web_site_id": hosting.site.site_id.apply(lambda s: s or ""),
    }
    for spec in topology.functions:
        if spec.public:
            outputs[f"{spec.name}_url"] = functions.urls[spec.name]
    return outputs


def main(source_root: Path = REPO_ROOT, bundle_dir: Path | None = None) -> None:
    """Read the stack config, build the archives and declare everything."""
    cfg = load(secret_names(TOPOLOGY))
    out_dir = bundle_dir or source_root / "build" / "bundles"
    bundles = build_all((f.name for f in TOPOLOGY.functions), source_root, out_dir)
    for key, value in compose(cfg, TOPOLOGY, bundles).items():
        pulumi.export(key, value)


if __name__ == "__main__":
    main()
