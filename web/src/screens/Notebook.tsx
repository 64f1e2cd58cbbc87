import * as Tabs from "@radix-ui/react-tabs";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type DragEvent, type FormEvent } from "react";
import { api, errorText, unwrap } from "../api/client";
import { Notice } from "../components/Field";
import { Link } from "../router";
import styles from "./Notebook.module.css";
import { AddPosting } from "./notebook/AddPosting";
import { EntryDetail } from "./notebook/EntryDetail";
import { allowedMoves, label, STATUSES, type Entry, type Status } from "./notebook/model";

export default function Notebook() {
  const queries = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const notebook = useQuery({
    queryKey: ["notebook"],
    queryFn: async () => unwrap(await api.GET("/notebook", { params: { query: { limit: 100, sort: "updated" } } })),
    // Follow queued scores until they land.
    refetchInterval: (q) => (q.state.data?.entries.some((e) => e.score_state?.state === "queued") ? 1_500 : false),
  });
  const move = useMutation({
    mutationFn: async ({ id, to }: { id: string; to: Status }) =>
      unwrap(await api.POST("/notebook/{entry_id}:transition", { params: { path: { entry_id: id } }, body: { to } })),
    onSettled: () => {
      void queries.invalidateQueries({ queryKey: ["notebook"] });
      void queries.invalidateQueries({ queryKey: ["journey"] });
    },
  });

  const entries = notebook.data?.entries ?? [];
  const selected = entries.find((e) => e.id === open) ?? null;
  const onMove = (entry: Entry, to: Status) => move.mutate({ id: entry.id, to });
  const done = move.isSuccess ? move.variables : undefined;
  const moved = done ? entries.find((e) => e.id === done.id && e.status === done.to) : undefined;

  return (
    <section>
      <h1>Notebook</h1>
      <AddPosting />
      <Notice error={notebook.error ? errorText(notebook.error) : move.error ? errorText(move.error) : null} />
      <p role="status" className="visually-hidden">
        {moved ? `Moved ${moved.snapshot.title} to ${label(moved.status)}.` : ""}
      </p>
      {notebook.isSuccess && entries.length === 0 && (
        <p className="muted">
          Nothing saved yet: save offers from your <Link to="/matches">matches</Link>, or add a posting above.
        </p>
      )}
      {entries.length > 0 && (
        <Tabs.Root defaultValue="board">
          <Tabs.List aria-label="Notebook view" className={styles.tabs}>
            <Tabs.Trigger value="board">Board</Tabs.Trigger>
            <Tabs.Trigger value="table">Table</Tabs.Trigger>
          </Tabs.List>
          <Tabs.Content value="board">
            <Board entries={entries} counts={notebook.data?.counts ?? {}} onOpen={setOpen} onMove={onMove} />
          </Tabs.Content>
          <Tabs.Content value="table">
            <EntryTable entries={entries} onOpen={setOpen} onMove={onMove} />
          </Tabs.Content>
        </Tabs.Root>
      )}
      {selected && <EntryDetail entry={selected} onClose={() => setOpen(null)} />}
    </section>
  );
}

interface ViewProps {
  entries: Entry[];
  onOpen: (id: string) => void;
  onMove: (entry: Entry, to: Status) => void;
}

function Board({ entries, counts, onOpen, onMove: move }: ViewProps & { counts: Record<string, number> }) {
  const [over, setOver] = useState<Status | null>(null);
  // An entry moved from the board lands in another column: focus follows it there.
  const [moving, setMoving] = useState<{ id: string; to: Status } | null>(null);
  const onMove = (entry: Entry, to: Status) => {
    setMoving({ id: entry.id, to });
    move(entry, to);
  };
  const follow = (entry: Entry) => (button: HTMLButtonElement | null) => {
    if (button && moving && entry.id === moving.id && entry.status === moving.to) {
      button.focus();
      setMoving(null);
    }
  };
  function drop(event: DragEvent, to: Status) {
    event.preventDefault();
    setOver(null);
    const entry = entries.find((e) => e.id === event.dataTransfer.getData("text/plain"));
    if (entry && allowedMoves(entry.status).includes(to)) onMove(entry, to);
  }
  return (
    <div className={styles.board}>
      {STATUSES.map((status) => (
        <section
          key={status}
          aria-label={`${label(status)} (${counts[status] ?? 0})`}
          className={styles.column}
          data-over={over === status || undefined}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(status);
          }}
          onDragLeave={() => setOver(null)}
          onDrop={(e) => drop(e, status)}
        >
          <h2>
            {label(status)} <span className="muted">{counts[status] ?? 0}</span>
          </h2>
          <ul className="plain-list">
            {entries
              .filter((e) => e.status === status)
              .map((e) => (
                <li
                  key={e.id}
                  className={`card ${styles.entry}`}
                  data-testid="entry"
                  draggable
                  onDragStart={(event) => event.dataTransfer.setData("text/plain", e.id)}
                >
                  <button type="button" ref={follow(e)} className={styles.linkish} onClick={() => onOpen(e.id)}>
                    {e.snapshot.title}
                  </button>
                  <div className="muted">{e.snapshot.company}</div>
                  <ScoreBadge entry={e} />
                  <MoveMenu entry={e} onMove={onMove} />
                </li>
              ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function EntryTable({ entries, onOpen, onMove }: ViewProps) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Saved postings</caption>
        <thead>
          <tr>
            <th scope="col">Posting</th>
            <th scope="col">Status</th>
            <th scope="col">Score</th>
            <th scope="col">Tags</th>
            <th scope="col">Follow-up</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <th scope="row">
                <button type="button" className={styles.linkish} onClick={() => onOpen(e.id)}>
                  {e.snapshot.title}
                </button>
                <div className="muted">{e.snapshot.company}</div>
              </th>
              <td>
                <MoveMenu entry={e} onMove={onMove} />
              </td>
              <td>
                <ScoreBadge entry={e} />
              </td>
              <td>{(e.tags ?? []).join(", ")}</td>
              <td>{e.follow_up ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The status menu, the keyboard's way to move an entry (the board's drag is mouse-only). Picking
 * a status does nothing by itself: arrow keys walk a closed select's options, and each step must
 * not move the entry (rejected and withdrawn are final). The Move button commits.
 */
function MoveMenu({ entry, onMove }: { entry: Entry; onMove: (entry: Entry, to: Status) => void }) {
  const [to, setTo] = useState<Status>(entry.status);
  useEffect(() => setTo(entry.status), [entry.status]);
  const moves = allowedMoves(entry.status);
  if (moves.length === 0) return <span className="badge">{entry.status}</span>;
  function submit(event: FormEvent) {
    event.preventDefault();
    if (to !== entry.status) onMove(entry, to);
  }
  return (
    <form className={styles.move} onSubmit={submit}>
      <select aria-label={`Status of ${entry.snapshot.title}`} value={to} onChange={(e) => setTo(e.target.value as Status)}>
        <option value={entry.status}>{label(entry.status)}</option>
        {moves.map((status) => (
          <option key={status} value={status}>
            Move to {status}
          </option>
        ))}
      </select>
      <button type="submit" className="secondary" aria-label={`Move ${entry.snapshot.title}`} aria-disabled={to === entry.status || undefined}>
        Move
      </button>
    </form>
  );
}

export function ScoreBadge({ entry }: { entry: Entry }) {
  return (
    <span className="row">
      {entry.score ? (
        <span className="badge" data-tone="info">
          score {Math.round(entry.score.total)}
        </span>
      ) : entry.score_state?.state === "queued" ? (
        <span className="badge" role="status">
          scoring…
        </span>
      ) : entry.score_state?.state === "failed" ? (
        <span className="badge" data-tone="warn">
          scoring failed
        </span>
      ) : (
        <span className="muted">not scored</span>
      )}
      {entry.stale && (
        <span className="badge" data-tone="warn">
          stale
        </span>
      )}
    </span>
  );
}
