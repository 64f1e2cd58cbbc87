import type { OpsSchemas } from "../../api/types";

const DAY_MS = 24 * 3600 * 1000;

/** Dead letters of the last 24 h by failure class: bars for the eye, a table for everyone. */
export function FailureChart({ letters, now = Date.now() }: { letters: OpsSchemas["DeadLetterOut"][]; now?: number }) {
  const counts = new Map<string, number>();
  for (const l of letters) {
    if (now - Date.parse(l.dead_at) <= DAY_MS) counts.set(l.failure_class, (counts.get(l.failure_class) ?? 0) + 1);
  }
  const rows = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return (
    <figure className="card" style={{ margin: "0 0 1rem" }}>
      <figcaption>
        <strong>Failures by class, last 24 h</strong>
      </figcaption>
      {rows.length === 0 ? (
        <p className="muted">No failures in the last 24 hours.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col">Count</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, n]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td style={{ width: "70%" }}>
                  <span style={{ display: "flex", alignItems: "center", gap: "0.4rem" }}>
                    <span
                      aria-hidden="true"
                      style={{ display: "inline-block", height: "0.7rem", width: `${(n / max) * 100}%`, background: "var(--bad)", borderRadius: 4 }}
                    />
                    {n}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
