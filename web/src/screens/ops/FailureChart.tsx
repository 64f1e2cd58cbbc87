import type { OpsSchemas } from "../../api/types";

type Summary = OpsSchemas["FailureSummaryOut"];
const KIND: Record<OpsSchemas["FailureCountOut"]["kind"], string> = { dead_letter: "dead letter", run: "crawler run" };

/** The last 24 h of failures by class (server-side counts): bars for the eye, tables for everyone. */
export function FailureChart({ summary, error }: { summary: Summary | undefined; error?: string | null }) {
  const rows = summary?.by_class ?? [];
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <figure className="card" style={{ margin: "0 0 1rem" }} aria-busy={!summary && !error}>
      <figcaption>
        <strong>Failures by class, last 24 h</strong>
        {summary && (
          <span className="muted">
            {" "}
            · {summary.total} in all, from dead letters and failed crawler runs{summary.truncated ? " (counted in part: too many to count)" : ""}
          </span>
        )}
      </figcaption>
      {error ? (
        <p className="error">{error}</p>
      ) : !summary ? (
        <p className="muted">Counting…</p>
      ) : rows.length === 0 ? (
        <p className="muted">No failures in the last 24 hours.</p>
      ) : (
        <>
          <table>
            <caption className="visually-hidden">Failures in the last 24 hours by failure class</caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">Count</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.failure_class} data-testid="failure-class">
                  <th scope="row">{r.failure_class}</th>
                  <td style={{ width: "70%" }}>
                    <span style={{ display: "flex", alignItems: "center", gap: "0.4rem" }}>
                      <span
                        aria-hidden="true"
                        style={{ display: "inline-block", height: "0.7rem", width: `${(r.count / max) * 100}%`, background: "var(--bad)", borderRadius: 4 }}
                      />
                      {r.count}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <details>
            <summary>By channel</summary>
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Failures in the last 24 hours by channel and failure class</caption>
                <thead>
                  <tr>
                    <th scope="col">Channel</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Class</th>
                    <th scope="col">Count</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.counts.map((c) => (
                    <tr key={`${c.kind}|${c.channel}|${c.failure_class}`}>
                      <th scope="row">{c.channel}</th>
                      <td>{KIND[c.kind]}</td>
                      <td>{c.failure_class}</td>
                      <td>{c.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </figure>
  );
}
