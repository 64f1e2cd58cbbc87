import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { errorText, ops, unwrap } from "../../api/client";
import type { OpsSchemas } from "../../api/types";
import { Notice } from "../../components/Field";
import { StateBadge } from "../../components/StateBadge";

type Source = OpsSchemas["SourceOut"];
type Kind = OpsSchemas["SourceSpec"]["kind"];
const KINDS: Kind[] = ["arbeitnow", "ashby", "greenhouse", "hn-algolia", "lever", "personio", "recruitee", "remoteok", "remotive", "smartrecruiters", "workable", "external"];

export default function Sources() {
  const queries = useQueryClient();
  const sources = useQuery({
    queryKey: ["ops", "sources"],
    queryFn: async () => unwrap(await ops.GET("/job-sources", { params: { query: { limit: 100 } } })).items,
    refetchInterval: (q) => (q.state.data?.some((s) => s.active_run_id) ? 2_000 : 10_000),
  });
  const refresh = () => void queries.invalidateQueries({ queryKey: ["ops"] });

  const upsert = useMutation({
    mutationFn: async (body: OpsSchemas["SourceSpec"]) => unwrap(await ops.POST("/job-sources", { body })),
    onSuccess: refresh,
  });
  const crawl = useMutation({
    mutationFn: async (id: string) => unwrap(await ops.POST("/job-sources/{source_id}/runs", { params: { path: { source_id: id } } })),
    onSuccess: refresh,
  });

  const toggle = (s: Source) =>
    upsert.mutate({
      id: s.id,
      kind: s.kind as Kind,
      board: s.board,
      company: s.company,
      base_url: s.base_url,
      schedule: s.schedule,
      enabled: !s.enabled,
      terms: s.terms,
    });

  return (
    <section>
      <h1>Job sources</h1>
      <AddSource onAdd={(spec) => upsert.mutate(spec)} busy={upsert.isPending} />
      <Notice error={upsert.error ? errorText(upsert.error) : crawl.error ? errorText(crawl.error) : null} ok={crawl.isSuccess ? "Crawl started." : null} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Job sources</caption>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Offers</th>
              <th scope="col">Last run</th>
              <th scope="col">Enabled</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {(sources.data ?? []).map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  {s.id}
                  <div className="hint">
                    {s.kind} / {s.board} · {s.schedule}
                  </div>
                </th>
                <td>{s.offer_count}</td>
                <td>
                  {s.last_run_status ? <StateBadge state={s.last_run_status} /> : "—"}
                  {s.last_run_at && <div className="hint">{new Date(s.last_run_at).toLocaleString()}</div>}
                </td>
                <td>
                  <label className="check">
                    <input type="checkbox" checked={s.enabled} onChange={() => toggle(s)} />
                    <span className="visually-hidden">Enabled {s.id}</span>
                    {s.enabled ? "on" : "off"}
                  </label>
                </td>
                <td>
                  <button type="button" className="secondary" disabled={Boolean(s.active_run_id)} onClick={() => crawl.mutate(s.id)}>
                    {s.active_run_id ? "Crawling…" : `Crawl ${s.id} now`}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function AddSource({ onAdd, busy }: { onAdd: (spec: OpsSchemas["SourceSpec"]) => void; busy: boolean }) {
  const [kind, setKind] = useState<Kind>("greenhouse");
  const [board, setBoard] = useState("");
  const [id, setId] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const ids = { kind: useId(), board: useId(), id: useId(), base: useId() };
  function submit(event: FormEvent) {
    event.preventDefault();
    onAdd({
      id: id.trim() || null,
      kind,
      board: board.trim(),
      company: null,
      base_url: baseUrl.trim() || null,
      schedule: "default",
      enabled: true,
      terms: { max_requests_per_minute: 30, attribution: null, link_back_required: false, user_agent: null },
    });
  }
  return (
    <details className="card">
      <summary>Add a source</summary>
      <form onSubmit={submit}>
        <label htmlFor={ids.kind}>Kind</label>
        <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <label htmlFor={ids.board}>Board</label>
        <input id={ids.board} required value={board} placeholder="the company's board name, or all" onChange={(e) => setBoard(e.target.value)} />
        <label htmlFor={ids.id}>Id (optional)</label>
        <input id={ids.id} value={id} onChange={(e) => setId(e.target.value)} />
        <label htmlFor={ids.base}>Base URL (optional)</label>
        <input id={ids.base} value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
        <p>
          <button type="submit" disabled={busy}>
            Save source
          </button>
        </p>
      </form>
    </details>
  );
}
