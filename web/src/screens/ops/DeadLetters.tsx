import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { errorText, ops, unwrap } from "../../api/client";
import type { OpsSchemas } from "../../api/types";
import { Notice } from "../../components/Field";
import { StateBadge } from "../../components/StateBadge";
import { DiscardDialog } from "./DiscardDialog";
import { FailureChart } from "./FailureChart";

type Letter = OpsSchemas["DeadLetterOut"];
type FailureClass = OpsSchemas["FailureClass"];
type Status = Letter["status"];

export default function DeadLetters() {
  const queries = useQueryClient();
  const [status, setStatus] = useState<"" | Status>("dead");
  const [failure, setFailure] = useState("");
  const [origin, setOrigin] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null); // the outcome of the last action
  const ids = { status: useId(), failure: useId(), origin: useId() };

  const letters = useQuery({
    queryKey: ["ops", "dead-letters", status, failure, origin],
    queryFn: async () =>
      unwrap(
        await ops.GET("/dead-letters", {
          params: {
            query: {
              limit: 100,
              status: status || null,
              failure_class: (failure || null) as FailureClass | null,
              origin: origin || null,
            },
          },
        }),
      ).items,
  });
  // Filter choices: the origins and classes of the newest letters, whatever their status.
  const recent = useQuery({
    queryKey: ["ops", "dead-letters", "recent"],
    queryFn: async () => unwrap(await ops.GET("/dead-letters", { params: { query: { limit: 100 } } })).items,
  });
  const failures = useQuery({
    queryKey: ["ops", "failures", 24],
    queryFn: async () => unwrap(await ops.GET("/failures", { params: { query: { hours: 24 } } })),
    refetchInterval: 60_000,
  });
  const refresh = () => {
    setSelected(new Set());
    void queries.invalidateQueries({ queryKey: ["ops"] });
  };
  const after = (message: string) => {
    setDone(message);
    refresh();
  };

  const replayOne = useMutation({
    mutationFn: async (id: string) =>
      unwrap(await ops.POST("/dead-letters/{dead_letter_id}:replay", { params: { path: { dead_letter_id: id } } })),
    onMutate: () => setDone(null),
    onSuccess: () => after("Replayed."),
  });
  const replaySelected = useMutation({
    mutationFn: async (chosen: string[]) => {
      for (const id of chosen) {
        unwrap(await ops.POST("/dead-letters/{dead_letter_id}:replay", { params: { path: { dead_letter_id: id } } }));
      }
      return chosen.length;
    },
    onMutate: () => setDone(null),
    onSuccess: (n) => after(`${n} replayed.`),
  });
  const replayBulk = useMutation({
    mutationFn: async () =>
      unwrap(
        await ops.POST("/dead-letters:replay", {
          body: { failure_class: (failure || null) as FailureClass | null, origin: origin || null },
        }),
      ).replayed,
    onMutate: () => setDone(null),
    onSuccess: (n) => after(`${n} replayed.`),
  });

  const discardOne = useMutation({
    mutationFn: async ({ id, reason }: { id: string; reason: string }) =>
      unwrap(
        await ops.POST("/dead-letters/{dead_letter_id}:discard", {
          params: { path: { dead_letter_id: id } },
          body: { reason },
        }),
      ),
    onMutate: () => setDone(null),
    onSuccess: () => after("Discarded."),
  });
  const discardSelected = useMutation({
    mutationFn: async ({ ids, reason }: { ids: string[]; reason: string }) =>
      unwrap(await ops.POST("/dead-letters:discard", { body: { ids, reason } })),
    onMutate: () => setDone(null),
    onSuccess: (out) => after(discardedText(out)),
  });

  const rows = letters.data ?? [];
  const origins = [...new Set((recent.data ?? []).map((l) => l.origin))].sort();
  const classes = [...new Set((recent.data ?? []).map((l) => l.failure_class))].sort();
  const mutations = [replayOne, replaySelected, replayBulk, discardOne, discardSelected];
  const error = mutations.find((m) => m.error)?.error;

  return (
    <section>
      <h1>Dead letters</h1>
      <FailureChart summary={failures.data} error={failures.error ? errorText(failures.error) : null} />
      <div className="row">
        <div>
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="">Any</option>
            <option value="dead">Dead</option>
            <option value="replayed">Replayed</option>
            <option value="discarded">Discarded</option>
          </select>
        </div>
        <div>
          <label htmlFor={ids.origin}>Channel</label>
          <select id={ids.origin} value={origin} onChange={(e) => setOrigin(e.target.value)}>
            <option value="">Any</option>
            {origins.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.failure}>Failure class</label>
          <select id={ids.failure} value={failure} onChange={(e) => setFailure(e.target.value)}>
            <option value="">Any</option>
            {classes.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
      </div>
      <p className="row">
        <button type="button" disabled={selected.size === 0 || replaySelected.isPending} onClick={() => replaySelected.mutate([...selected])}>
          Replay selected ({selected.size})
        </button>
        <button type="button" className="secondary" disabled={replayBulk.isPending || rows.length === 0} onClick={() => replayBulk.mutate()}>
          Replay all matching the filters
        </button>
        <DiscardDialog
          what={`${selected.size} selected dead letter${selected.size === 1 ? "" : "s"}`}
          onDiscard={(reason) => discardSelected.mutate({ ids: [...selected], reason })}
          trigger={
            <button type="button" className="danger" disabled={selected.size === 0 || discardSelected.isPending}>
              Discard selected ({selected.size})
            </button>
          }
        />
      </p>
      <Notice error={error ? errorText(error) : null} ok={done} />
      {letters.isSuccess && rows.length === 0 && <p className="muted">No dead letters match.</p>}
      <ul className="plain-list">
        {rows.map((l) => (
          <LetterRow
            key={l.id}
            letter={l}
            checked={selected.has(l.id)}
            onCheck={(on) => {
              const next = new Set(selected);
              if (on) next.add(l.id);
              else next.delete(l.id);
              setSelected(next);
            }}
            open={open === l.id}
            onToggle={() => setOpen(open === l.id ? null : l.id)}
            onReplay={() => replayOne.mutate(l.id)}
            onDiscard={(reason) => discardOne.mutate({ id: l.id, reason })}
            busy={replayOne.isPending || discardOne.isPending}
          />
        ))}
      </ul>
    </section>
  );
}

interface RowProps {
  letter: Letter;
  checked: boolean;
  open: boolean;
  busy: boolean;
  onCheck: (on: boolean) => void;
  onToggle: () => void;
  onReplay: () => void;
  onDiscard: (reason: string) => void;
}

function LetterRow({ letter: l, checked, open, busy, onCheck, onToggle, onReplay, onDiscard }: RowProps) {
  return (
    <li className="card" data-testid="dead-letter">
      <div className="row">
        <label className="check">
          <input type="checkbox" checked={checked} disabled={l.status !== "dead"} onChange={(e) => onCheck(e.target.checked)} />
          <span className="visually-hidden">Select dead letter {l.id}</span>
        </label>
        <strong>{l.origin}</strong>
        <StateBadge state={l.status} />
        <span className="badge" data-tone="bad">
          {l.failure_class}
        </span>
        <span className="muted">
          {l.attempts} attempts · {new Date(l.dead_at).toLocaleString()}
          {l.replay_count > 0 ? ` · replayed ${l.replay_count}×` : ""}
        </span>
      </div>
      <p className="hint">{l.last_error}</p>
      {l.status === "discarded" && (
        <p className="hint" data-testid="discarded">
          Discarded by {l.discarded_by ?? "an operator"}
          {l.discarded_at ? ` on ${new Date(l.discarded_at).toLocaleString()}` : ""}: {l.discard_reason}
        </p>
      )}
      <div className="row">
        <button type="button" className="secondary" aria-expanded={open} onClick={onToggle}>
          {open ? "Hide payload" : "View payload"}
        </button>
        {l.status !== "discarded" && (
          <button type="button" disabled={busy || l.status !== "dead"} onClick={onReplay}>
            Replay {l.origin}
          </button>
        )}
        {l.status === "dead" && (
          <DiscardDialog
            what={`this ${l.origin} dead letter`}
            onDiscard={onDiscard}
            trigger={
              <button type="button" className="danger" disabled={busy}>
                Discard {l.origin}
              </button>
            }
          />
        )}
      </div>
      {open && (
        <pre aria-label="Payload" tabIndex={0}>
          {pretty(l.payload)}
          {Object.keys(l.attributes).length > 0 ? `\n\nattributes: ${JSON.stringify(l.attributes, null, 2)}` : ""}
        </pre>
      )}
    </li>
  );
}

function discardedText(out: OpsSchemas["BulkDiscardOut"]): string {
  const skipped = out.skipped.length ? ` ${out.skipped.length} left as they were: ${out.skipped.map((s) => s.reason).join("; ")}` : "";
  return `${out.discarded.length} discarded.${skipped}`;
}

function pretty(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}
