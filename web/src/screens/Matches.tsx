import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { memo, useCallback, useId, useState } from "react";
import { api, errorText, unwrap } from "../api/client";
import type { MatchOut } from "../api/types";
import { Notice } from "../components/Field";
import { Link } from "../router";
import styles from "./Matches.module.css";
import { TableScroll } from "../components/TableScroll";
import { matchesQuery, NO_FILTERS, type MatchFilters as Filters } from "./matchesQuery";

export default function Matches() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(draft);
  const [open, setOpen] = useState<string | null>(null);
  const [saved, setSaved] = useState<Record<string, string>>({});
  const ids = { min: useId(), remote: useId(), location: useId() };

  // New filters keep the current list on screen until their first page arrives (no empty flash).
  const matches = useInfiniteQuery({ ...matchesQuery(filters), placeholderData: keepPreviousData });

  const save = useMutation({
    mutationFn: async (offerId: string) =>
      unwrap(
        await api.POST("/notebook", {
          body: { offer_id: offerId, posting: null, url: null, notes: "", tags: [], follow_up: null },
        }),
      ),
    onSuccess: (_entry, offerId) => setSaved((s) => ({ ...s, [offerId]: "saved" })),
  });

  // Stable callbacks: a row re-renders only when its own match, state or panel changes.
  const toggle = useCallback((offerId: string) => setOpen((current) => (current === offerId ? null : offerId)), []);
  const saveOne = save.mutate;
  const onSave = useCallback((offerId: string) => saveOne(offerId), [saveOne]);

  const rows = matches.data?.pages.flatMap((p) => p.matches) ?? [];
  return (
    <section>
      <h1>Your matches</h1>
      <form
        className={styles.filters}
        aria-label="Filter matches"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <div>
          <label htmlFor={ids.min}>Minimum score (0-100)</label>
          <input id={ids.min} type="number" min={0} max={100} value={draft.minScore} onChange={(e) => setDraft({ ...draft, minScore: e.target.value })} />
        </div>
        <div>
          <label htmlFor={ids.remote}>Remote</label>
          <select id={ids.remote} value={draft.remote} onChange={(e) => setDraft({ ...draft, remote: e.target.value as Filters["remote"] })}>
            <option value="">Any</option>
            <option value="remote">Remote</option>
            <option value="hybrid">Hybrid</option>
            <option value="onsite">On site</option>
          </select>
        </div>
        <div>
          <label htmlFor={ids.location}>Location</label>
          <input id={ids.location} value={draft.location} placeholder="Berlin or DE" onChange={(e) => setDraft({ ...draft, location: e.target.value })} />
        </div>
        <label className="check">
          <input type="checkbox" checked={draft.excluded} onChange={(e) => setDraft({ ...draft, excluded: e.target.checked })} />
          Show excluded offers
        </label>
        <button type="submit">Apply filters</button>
      </form>
      <Notice error={matches.error ? errorText(matches.error) : save.error ? errorText(save.error) : null} />
      {matches.isPending && <p role="status">Loading matches…</p>}
      {matches.isSuccess && rows.length === 0 && (
        <p className="muted">
          No matches yet. Matching runs when your <Link to="/profile">career profile</Link> is ready and offers are crawled.
        </p>
      )}
      <div className={styles.layout}>
        <ol className={styles.list} aria-label="Ranked offers">
          {rows.map((m, index) => (
            <MatchRow
              key={m.offer_id}
              match={m}
              rank={index + 1}
              expanded={open === m.offer_id}
              onExplain={toggle}
              onSave={onSave}
              saved={saved[m.offer_id] !== undefined}
            />
          ))}
        </ol>
      </div>
      {matches.hasNextPage && (
        <button type="button" className="secondary" disabled={matches.isFetchingNextPage} onClick={() => void matches.fetchNextPage()}>
          {matches.isFetchingNextPage ? "Loading…" : "Show more"}
        </button>
      )}
    </section>
  );
}

interface RowProps {
  match: MatchOut;
  rank: number;
  expanded: boolean;
  saved: boolean;
  onExplain: (offerId: string) => void;
  onSave: (offerId: string) => void;
}

const MatchRow = memo(function MatchRow({ match, rank, expanded, saved, onExplain, onSave }: RowProps) {
  const percent = Math.round(Math.min(100, Math.max(0, match.score)));
  const panel = `explain-${match.offer_id}`;
  return (
    <li className={styles.item} data-testid="match">
      <div className={styles.head}>
        <span className={styles.rank}>{rank}.</span>
        <div className={styles.what}>
          <a href={match.url} target="_blank" rel="noreferrer" className={styles.title}>
            {match.title}
          </a>
          <span className="muted">
            {" "}
            · {match.company}
            {match.remote_policy !== "unknown" && <> · {match.remote_policy}</>}
          </span>
          {match.excluded && (
            <span className="badge" data-tone="bad">
              excluded
            </span>
          )}
        </div>
        <div className={styles.score} data-testid="score">
          <span className={styles.track} aria-hidden="true">
            <span className={styles.fill} style={{ width: `${percent}%` }} />
          </span>
          <span>
            <span className="visually-hidden">Score </span>
            {percent}
          </span>
        </div>
      </div>
      <p className={styles.summary}>{match.summary}</p>
      <div className="row">
        <button type="button" className="secondary" aria-expanded={expanded} aria-controls={panel} onClick={() => onExplain(match.offer_id)}>
          {expanded ? "Hide explanation" : "Why this score?"}
        </button>
        {/* aria-disabled, not disabled: the button keeps the keyboard focus once it is pressed. */}
        <button type="button" onClick={saved ? undefined : () => onSave(match.offer_id)} aria-disabled={saved || undefined}>
          {saved ? "Saved to notebook" : "Save to notebook"}
        </button>
      </div>
      {expanded && <Explanation id={panel} offerId={match.offer_id} />}
    </li>
  );
});

function Explanation({ id, offerId }: { id: string; offerId: string }) {
  const detail = useQuery({
    queryKey: ["match", offerId],
    queryFn: async () => unwrap(await api.GET("/matches/{offer_id}", { params: { path: { offer_id: offerId } } })),
  });
  if (detail.isPending) return <p id={id} role="status">Loading the explanation…</p>;
  if (detail.error) return <p id={id} className="error">{errorText(detail.error)}</p>;
  const e = detail.data.explanation;
  return (
    <section id={id} className={styles.explain} aria-label="Explanation">
      <p>{e.summary}</p>
      <h3>Components</h3>
      <TableScroll label="Score components">
        <table>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Value</th>
              <th scope="col">Weight</th>
              <th scope="col">Contribution</th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {e.components.map((c) => (
              <tr key={c.feature}>
                <th scope="row">{c.feature.replace(/_/g, " ")}</th>
                <td>{c.value.toFixed(2)}</td>
                <td>{c.weight.toFixed(2)}</td>
                <td>{c.contribution.toFixed(1)}</td>
                <td>{evidenceText(c.evidence)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <h3>Gates</h3>
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
      <p className="hint">
        {e.kind} explanation {e.version}, profile v{e.audit.profile_version}, computed {new Date(e.audit.computed_at).toLocaleString()}
      </p>
    </section>
  );
}

function evidenceText(evidence: Record<string, unknown> | undefined): string {
  if (!evidence) return "";
  return Object.entries(evidence)
    .map(([k, v]) => `${k.replace(/_/g, " ")}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join("; ");
}
