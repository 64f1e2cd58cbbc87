import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api, errorText, unwrap } from "../api/client";
import type { CareerProfile, Schemas } from "../api/types";
import { Notice } from "../components/Field";
import { Link } from "../router";
import styles from "./Profile.module.css";
import { TableScroll } from "../components/TableScroll";

const list = (text: string) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

export default function Profile() {
  const [version, setVersion] = useState<string>("latest");
  const profile = useQuery({
    queryKey: ["profile", version],
    queryFn: async () => {
      const answer = await api.GET("/career-profiles/{version}", { params: { path: { version } } });
      if (answer.response.status === 404) return null; // none yet
      return unwrap(answer);
    },
    refetchInterval: (query) => (query.state.data === null ? 3_000 : false),
  });
  const page = useQuery({
    queryKey: ["profile-history"],
    queryFn: async () => unwrap(await api.GET("/career-profiles", { params: { query: { limit: 50 } } })),
    // Before the first version, follow the generation: it ends in a version or a failure.
    refetchInterval: () => (profile.data === null ? 3_000 : false),
  });
  const versions = page.data?.items ?? [];

  if (profile.isPending) return <p role="status">Loading your career profile…</p>;
  if (profile.error) return <Notice error={errorText(profile.error)} />;
  if (!profile.data) {
    const failure = page.data?.failure;
    return (
      <section>
        <h1>Your career profile</h1>
        {failure ? (
          <ProfileFailure failure={failure} />
        ) : (
          <p role="status">
          No profile yet. It is built from your CV once the text is extracted: <Link to="/documents">check your documents</Link>.
          </p>
        )}
      </section>
    );
  }
  const p = profile.data;
  return (
    <section>
      <h1>Your career profile</h1>
      <div className={styles.grid}>
        <div>
          <ProfileView profile={p} />
          <Refine profile={p} onDone={(v) => setVersion(String(v))} />
        </div>
        <aside aria-label="Version history">
          <h2>Versions</h2>
          <ol className={styles.versions} reversed>
            {versions.map((h) => (
              <li key={h.version}>
                <button
                  type="button"
                  className={h.version === p.version ? undefined : "secondary"}
                  aria-pressed={h.version === p.version}
                  onClick={() => setVersion(String(h.version))}
                >
                  v{h.version}
                </button>{" "}
                <span className="muted">
                  {new Date(h.created_at).toLocaleDateString()} · {h.provider} · {h.skills} skills
                  {h.parent_version != null ? ` · refined from v${h.parent_version}` : ""}
                </span>
              </li>
            ))}
          </ol>
          {versions.length > 1 && <Diff versions={versions.map((h) => h.version)} />}
        </aside>
      </div>
    </section>
  );
}

function ProfileView({ profile: p }: { profile: CareerProfile }) {
  return (
    <article aria-label={`Profile version ${p.version}`}>
      <p className={styles.headline}>
        <strong>{p.headline}</strong> <span className="badge">{p.seniority}</span>{" "}
        <span className="badge" data-tone="info">
          v{p.version}
        </span>
      </p>
      {p.summary && <p>{p.summary}</p>}
      <p className="hint">
        Made by the {p.provenance.provider} provider ({p.provenance.model}, prompt {p.provenance.prompt_version})
        {p.years_experience != null ? ` · ${p.years_experience} years of experience` : ""}
      </p>
      <h2>Skills and evidence</h2>
      <TableScroll label="Skills and evidence">
        <table>
          <thead>
            <tr>
              <th scope="col">Skill</th>
              <th scope="col">Category</th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {(p.skills ?? []).map((s) => (
              <tr key={s.name}>
                <th scope="row">{s.name}</th>
                <td>{s.category}</td>
                <td>{s.source === "user" ? <em>added by you</em> : <q>{s.evidence}</q>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <h2>Work history</h2>
      <ul>
        {(p.work_history ?? []).map((w, i) => (
          <li key={i}>
            <strong>{w.title}</strong>
            {w.employer ? ` at ${w.employer}` : ""}{" "}
            <span className="muted">
              {w.start ?? "?"} – {w.current ? "now" : (w.end ?? "?")}
            </span>
          </li>
        ))}
      </ul>
      <h2>Languages</h2>
      <p>{(p.languages ?? []).map((l) => (l.level ? `${l.name} (${l.level})` : l.name)).join(", ") || "None found."}</p>
    </article>
  );
}

function Refine({ profile, onDone }: { profile: CareerProfile; onDone: (version: number) => void }) {
  const queries = useQueryClient();
  const [add, setAdd] = useState("");
  const [remove, setRemove] = useState("");
  const [headline, setHeadline] = useState("");
  const [feedback, setFeedback] = useState("");
  const ids = { add: useId(), remove: useId(), headline: useId(), feedback: useId() };
  const refine = useMutation({
    mutationFn: async (body: Schemas["Corrections"]) =>
      unwrap(
        await api.POST("/career-profiles/{version}:refine", {
          params: { path: { version: String(profile.version) } },
          body,
        }),
      ),
    onSuccess: (next) => {
      void queries.invalidateQueries({ queryKey: ["profile-history"] });
      void queries.invalidateQueries({ queryKey: ["journey"] });
      setAdd("");
      setRemove("");
      setHeadline("");
      setFeedback("");
      onDone(next.version);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    refine.mutate({
      add_skills: list(add),
      remove_skills: list(remove),
      fix_titles: [],
      headline: headline.trim() || null,
      seniority: null,
      feedback,
    });
  }
  return (
    <details className="card">
      <summary>Edit and refine this profile</summary>
      <form onSubmit={submit}>
        <label htmlFor={ids.add}>Skills to add</label>
        <input id={ids.add} value={add} placeholder="Kubernetes, Go" onChange={(e) => setAdd(e.target.value)} />
        <label htmlFor={ids.remove}>Skills to remove</label>
        <input id={ids.remove} value={remove} onChange={(e) => setRemove(e.target.value)} />
        <label htmlFor={ids.headline}>Headline</label>
        <input id={ids.headline} value={headline} placeholder={profile.headline} onChange={(e) => setHeadline(e.target.value)} />
        <label htmlFor={ids.feedback}>Anything else</label>
        <textarea id={ids.feedback} rows={2} maxLength={2000} value={feedback} onChange={(e) => setFeedback(e.target.value)} />
        <Notice error={refine.error ? errorText(refine.error) : null} ok={refine.isSuccess ? `Saved as version ${refine.data.version}.` : null} />
        <p>
          <button type="submit" disabled={refine.isPending}>
            Save as a new version
          </button>
        </p>
      </form>
    </details>
  );
}

function Diff({ versions }: { versions: number[] }) {
  const newest = versions[0] ?? 1;
  const [from, setFrom] = useState(versions[1] ?? newest);
  const [to, setTo] = useState(newest);
  const ids = { from: useId(), to: useId() };
  const diff = useQuery({
    queryKey: ["profile-diff", from, to],
    queryFn: async () => unwrap(await api.GET("/career-profiles:diff", { params: { query: { from, to } } })),
    enabled: from !== to,
  });
  return (
    <section aria-label="Compare versions">
      <h2>Compare</h2>
      <div className="row">
        <div>
          <label htmlFor={ids.from}>From</label>
          <select id={ids.from} value={from} onChange={(e) => setFrom(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.to}>To</label>
          <select id={ids.to} value={to} onChange={(e) => setTo(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </select>
        </div>
      </div>
      {diff.data && (
        <div className={styles.diff}>
          {diff.data.skills_added.length > 0 && <p className="ok">+ {diff.data.skills_added.join(", ")}</p>}
          {diff.data.skills_removed.length > 0 && <p className="error">− {diff.data.skills_removed.join(", ")}</p>}
          {Object.entries(diff.data.changed).map(([field, change]) => (
            <p key={field}>
              <strong>{field}</strong>: {JSON.stringify(change)}
            </p>
          ))}
          {diff.data.skills_added.length + diff.data.skills_removed.length + Object.keys(diff.data.changed).length === 0 && (
            <p className="muted">No differences.</p>
          )}
        </div>
      )}
    </section>
  );
}

type ProfileFailureOut = NonNullable<Schemas["HistoryOut"]["failure"]>;

/** The last generation failed: why, and its next action (retry asks for a generation again). */
function ProfileFailure({ failure }: { failure: ProfileFailureOut }) {
  const queries = useQueryClient();
  const retry = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/career-profiles:generate", { body: { document_id: failure.document_id } })),
    onSettled: () => {
      void queries.invalidateQueries({ queryKey: ["profile-history"] });
      void queries.invalidateQueries({ queryKey: ["profile"] });
      void queries.invalidateQueries({ queryKey: ["journey"] });
    },
  });
  return (
    <div role="alert" data-testid="profile-failure" data-next-action={failure.next_action}>
      <p className="error">
        {failure.message} ({failure.failure_class})
      </p>
      {failure.next_action === "retry" ? (
        <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
          {retry.isPending ? "Asking again…" : "Try again"}
        </button>
      ) : failure.next_action === "wait" ? (
        <p className="muted">A limit was reached; try again later.</p>
      ) : (
        <p className="muted">
          This CV cannot be used for a profile: <Link to="/documents">upload another one</Link>.
        </p>
      )}
      <Notice error={retry.error ? errorText(retry.error) : null} />
    </div>
  );
}
