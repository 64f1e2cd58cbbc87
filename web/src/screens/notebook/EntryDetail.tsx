import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState, type FormEvent } from "react";
import { api, errorText, unwrap } from "../../api/client";
import type { Schemas } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Notice } from "../../components/Field";
import styles from "../Notebook.module.css";
import { ScoreBadge } from "../Notebook";
import type { Entry } from "./model";
import { TableScroll } from "../../components/TableScroll";

/** One entry: notes, tags, follow-up, the score with its explanation, re-score and history. */
export function EntryDetail({ entry, onClose }: { entry: Entry; onClose: () => void }) {
  const queries = useQueryClient();
  const [notes, setNotes] = useState(entry.notes);
  const [tags, setTags] = useState((entry.tags ?? []).join(", "));
  const [followUp, setFollowUp] = useState(entry.follow_up ?? "");
  const ids = { notes: useId(), tags: useId(), follow: useId() };
  useEffect(() => {
    setNotes(entry.notes);
    setTags((entry.tags ?? []).join(", "));
    setFollowUp(entry.follow_up ?? "");
  }, [entry.id, entry.notes, entry.tags, entry.follow_up]);

  const refresh = () => {
    void queries.invalidateQueries({ queryKey: ["notebook"] });
    void queries.invalidateQueries({ queryKey: ["scores", entry.id] });
    void queries.invalidateQueries({ queryKey: ["journey"] });
  };
  const patch = useMutation({
    mutationFn: async (body: Schemas["EntryPatch"]) =>
      unwrap(await api.PATCH("/notebook/{entry_id}", { params: { path: { entry_id: entry.id } }, body })),
    onSuccess: refresh,
  });
  const score = useMutation({
    mutationFn: async () => unwrap(await api.POST("/notebook/{entry_id}:score", { params: { path: { entry_id: entry.id } } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: async () => {
      const answer = await api.DELETE("/notebook/{entry_id}", { params: { path: { entry_id: entry.id } } });
      if (!answer.response.ok) unwrap(answer);
    },
    onSuccess: () => {
      onClose();
      refresh();
    },
  });
  const scores = useQuery({
    queryKey: ["scores", entry.id, entry.score?.inputs_hash],
    queryFn: async () =>
      unwrap(await api.GET("/notebook/{entry_id}/scores", { params: { path: { entry_id: entry.id }, query: { limit: 20 } } })).scores,
  });

  function save(event: FormEvent) {
    event.preventDefault();
    patch.mutate({
      notes,
      tags: tags
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
      follow_up: followUp || null,
    });
  }

  const latest = scores.data?.[0];
  const failed = entry.score_state?.state === "failed";
  return (
    <section className={`card ${styles.detail}`} aria-label={`Entry ${entry.snapshot.title}`}>
      <div className="row">
        <h2>{entry.snapshot.title}</h2>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <p>
        {entry.snapshot.company} ·{" "}
        {entry.snapshot.remote_policy !== "unknown" && <>{entry.snapshot.remote_policy} · </>}
        <a href={entry.snapshot.url} target="_blank" rel="noreferrer">
          the posting
        </a>
      </p>
      <form onSubmit={save}>
        <label htmlFor={ids.notes}>Notes</label>
        <textarea id={ids.notes} rows={4} maxLength={10000} value={notes} onChange={(e) => setNotes(e.target.value)} />
        <label htmlFor={ids.tags}>Tags</label>
        <input id={ids.tags} aria-describedby={`${ids.tags}-hint`} value={tags} onChange={(e) => setTags(e.target.value)} />
        <p id={`${ids.tags}-hint`} className="hint">
          Comma separated, up to 20.
        </p>
        <label htmlFor={ids.follow}>Follow-up date</label>
        <input id={ids.follow} type="date" value={followUp} onChange={(e) => setFollowUp(e.target.value)} />
        <Notice error={patch.error ? errorText(patch.error) : null} ok={patch.isSuccess ? "Saved." : null} />
        <p className="row">
          <button type="submit" disabled={patch.isPending}>
            Save notes
          </button>
          <ConfirmDialog
            title="Remove this posting from your notebook?"
            confirmLabel="Remove"
            danger
            onConfirm={() => remove.mutate()}
            trigger={
              <button type="button" className="secondary">
                Remove
              </button>
            }
          >
            <p>Its notes, tags and score history go with it.</p>
          </ConfirmDialog>
        </p>
      </form>

      <h3>Score</h3>
      <div className="row">
        <ScoreBadge entry={entry} />
        <button type="button" onClick={() => score.mutate()} disabled={score.isPending || entry.score_state?.state === "queued"}>
          {failed ? "Retry scoring" : entry.score ? "Re-score" : "Score this posting"}
        </button>
      </div>
      {entry.stale && <p className="hint">Your profile or this posting changed since the last score.</p>}
      {failed && (
        <div role="alert" data-testid="score-failure" data-next-action={entry.score_state?.next_action ?? undefined}>
          <p className="error">
            Scoring failed{entry.score_state?.failure_class ? ` (${entry.score_state.failure_class})` : ""}.{" "}
            {entry.score_state?.message ?? "Try again later."}
          </p>
          <p className="muted">{scoreNextAction(entry.score_state?.next_action)}</p>
        </div>
      )}
      <Notice error={score.error ? errorText(score.error) : null} />
      {latest && <ScoreExplanation record={latest} />}
      {(scores.data?.length ?? 0) > 0 && (
        <>
          <h3>Score history</h3>
          <TableScroll label="Score history">
            <table className={styles.history}>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Score</th>
                  <th scope="col">Provider / model</th>
                  <th scope="col">Prompt</th>
                  <th scope="col">Profile</th>
                  <th scope="col">Inputs hash</th>
                </tr>
              </thead>
              <tbody>
                {(scores.data ?? []).map((s) => (
                  <tr key={`${s.inputs_hash}-${s.computed_at}`}>
                    <td>{new Date(s.computed_at).toLocaleString()}</td>
                    <td>{Math.round(s.total)}</td>
                    <td>
                      {s.provider} / {s.model}
                    </td>
                    <td>{s.prompt_version}</td>
                    <td>v{s.profile_version}</td>
                    <td>
                      <code>{s.inputs_hash.slice(0, 12)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
      <h3>History</h3>
      <ol className={styles.history}>
        {(entry.history ?? []).map((t) => (
          <li key={t.at}>
            {new Date(t.at).toLocaleString()}: {t.from_status ?? "new"} → {t.to_status}
          </li>
        ))}
      </ol>
    </section>
  );
}

function ScoreExplanation({ record }: { record: Schemas["ScoreRecord"] }) {
  const e = record.llm;
  return (
    <div aria-label="Score explanation" role="region">
      <p>
        <strong>{Math.round(record.total)}/100</strong> by the {record.provider} provider. {e.summary}
      </p>
      {e.cap && (
        <p className="hint">
          Capped at {e.cap.limit} (would be {Math.round(e.cap.uncapped)}): {e.cap.reason}
        </p>
      )}
      <TableScroll label="Score parts">
        <table>
          <thead>
            <tr>
              <th scope="col">Part</th>
              <th scope="col">Value</th>
              <th scope="col">Weight</th>
            </tr>
          </thead>
          <tbody>
            {e.components.map((c) => (
              <tr key={c.feature}>
                <th scope="row">{c.feature.replace(/_/g, " ")}</th>
                <td>{c.value.toFixed(2)}</td>
                <td>{c.weight.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {(e.strengths?.length ?? 0) > 0 && (
        <>
          <h4>Strengths</h4>
          <ul>
            {e.strengths?.map((s) => <li key={s}>{s}</li>)}
          </ul>
        </>
      )}
      {(e.gaps?.length ?? 0) > 0 && (
        <>
          <h4>Gaps</h4>
          <ul>
            {e.gaps?.map((s) => <li key={s}>{s}</li>)}
          </ul>
        </>
      )}
      <ul>
        {e.gates.map((g) => (
          <li key={g.gate}>
            <span className="badge" data-tone={g.passed ? "ok" : "bad"}>
              {g.passed ? "passed" : "failed"}
            </span>{" "}
            {g.gate.replace(/_/g, " ")}: {g.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}

function scoreNextAction(action: string | null | undefined): string {
  switch (action) {
    case "retry":
      return "Retry scoring to try again.";
    case "wait":
      return "The daily scoring budget is used up: try again tomorrow.";
    case "contact_support":
      return "Operators have been told; scoring again will not fix it.";
    default:
      return "";
  }
}
