import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
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
  const detail = runs.data?.find((r) => r.id === open) ?? null;
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
      {detail && <RunDetail run={detail} />}
    </section>
  );
}

function RunDetail({ run }: { run: OpsSchemas["RunOut"] }) {
  return (
    <section className="card" aria-label={`Run ${run.id}`}>
      <h2>Run {run.id}</h2>
      <dl>
        <dt>Source</dt>
        <dd>{run.source_id}</dd>
        <dt>Trigger</dt>
        <dd>{run.trigger}</dd>
        <dt>Duration</dt>
        <dd>{run.duration_s != null ? `${run.duration_s.toFixed(1)} s` : "—"}</dd>
        <dt>Stats</dt>
        <dd>
          fetched {run.stats.fetched}, new {run.stats.new}, updated {run.stats.updated}, unchanged {run.stats.unchanged}, closed{" "}
          {run.stats.closed}, requests {run.stats.requests}
          {run.stats.not_modified ? " (not modified)" : ""}
        </dd>
        <dt>Failure</dt>
        <dd>{run.failure_class ? `${run.failure_class}: ${run.error ?? ""}` : "none"}</dd>
      </dl>
    </section>
  );
}
