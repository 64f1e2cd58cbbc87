import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { errorText, ops, unwrap } from "../../api/client";
import type { OpsSchemas } from "../../api/types";
import { Notice } from "../../components/Field";
import { StateBadge } from "../../components/StateBadge";

type Status = OpsSchemas["RunStatus"];

export default function Runs() {
  const [status, setStatus] = useState<"" | Status>("");
  const [source, setSource] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const ids = { status: useId(), source: useId() };
  const runs = useQuery({
    queryKey: ["ops", "runs", status, source],
    queryFn: async () =>
      unwrap(
        await ops.GET("/job-sources/runs", {
          params: { query: { limit: 50, status: status || null, source_id: source.trim() || null } },
        }),
      ).items,
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === "PENDING" || r.status === "RUNNING") ? 2_000 : 15_000),
  });
  return (
    <section>
      <h1>Crawler runs</h1>
      <div className="row">
        <div>
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="">Any</option>
            <option>PENDING</option>
            <option>RUNNING</option>
            <option>COMPLETED</option>
            <option>FAILED</option>
          </select>
        </div>
        <div>
          <label htmlFor={ids.source}>Source id</label>
          <input id={ids.source} value={source} onChange={(e) => setSource(e.target.value)} />
        </div>
      </div>
      <Notice error={runs.error ? errorText(runs.error) : null} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Crawler runs</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">New / updated / closed</th>
              <th scope="col">Failure</th>
            </tr>
          </thead>
          <tbody>
            {(runs.data ?? []).map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <button type="button" className="secondary" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? null : r.id)}>
                    {r.source_id}
                  </button>
                  <div className="hint">{new Date(r.created_at).toLocaleString()}</div>
                </th>
                <td>
                  <StateBadge state={r.status} />
                </td>
                <td>
                  {r.stats.new} / {r.stats.updated} / {r.stats.closed}
                </td>
                <td>{r.failure_class ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open && <RunDetail runId={open} />}
    </section>
  );
}

/** One run as the server has it now (GET of the single run), refreshed while it is active. */
function RunDetail({ runId }: { runId: string }) {
  const detail = useQuery({
    queryKey: ["ops", "run", runId],
    queryFn: async () => unwrap(await ops.GET("/job-sources/runs/{run_id}", { params: { path: { run_id: runId } } })),
    refetchInterval: (q) => (q.state.data && !["COMPLETED", "FAILED"].includes(q.state.data.status) ? 2_000 : false),
  });
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = detail.isSuccess;
  useEffect(() => {
    // The detail sits under a long table: bring it into view and move focus to it once loaded.
    if (loaded) heading.current?.focus();
  }, [loaded, runId]);
  if (detail.isPending) {
    return (
      <p role="status" className="card">
        Loading run {runId}…
      </p>
    );
  }
  if (detail.error) return <Notice error={errorText(detail.error)} />;
  const run = detail.data;
  return (
    <section className="card" aria-label={`Run ${run.id}`} data-testid="run-detail">
      <h2 ref={heading} tabIndex={-1}>
        Run {run.id}
      </h2>
      <dl>
        <dt>Source</dt>
        <dd>{run.source_id}</dd>
        <dt>Status</dt>
        <dd>
          <StateBadge state={run.status} />
        </dd>
        <dt>Trigger</dt>
        <dd>{run.trigger}</dd>
        <dt>Timings</dt>
        <dd>
          created {when(run.created_at)}, started {when(run.started_at)}, finished {when(run.finished_at)}
        </dd>
        <dt>Duration</dt>
        <dd>{run.duration_s != null ? `${run.duration_s.toFixed(1)} s` : "—"}</dd>
        <dt>Stats</dt>
        <dd>
          fetched {run.stats.fetched}, new {run.stats.new}, updated {run.stats.updated}, unchanged {run.stats.unchanged}, closed{" "}
          {run.stats.closed}, requests {run.stats.requests}
          {run.stats.not_modified ? " (not modified)" : ""}
        </dd>
        <dt>Failure</dt>
        <dd data-testid="run-failure">{run.failure_class ? `${run.failure_class}: ${run.error ?? ""}` : "none"}</dd>
      </dl>
    </section>
  );
}

function when(at: string | null): string {
  return at ? new Date(at).toLocaleString() : "—";
}
