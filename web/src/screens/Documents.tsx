import * as Progress from "@radix-ui/react-progress";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type DragEvent } from "react";
import { api, errorText, unwrap } from "../api/client";
import type { DocumentOut } from "../api/types";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Notice } from "../components/Field";
import { StateBadge } from "../components/StateBadge";
import { Link } from "../router";
import { DocumentFailure } from "./DocumentFailure";
import styles from "./Documents.module.css";
import { putSigned } from "./upload";

const SETTLED = new Set(["EXTRACTED", "FAILED", "REJECTED"]);

export default function Documents() {
  const queries = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<{ name: string; fraction: number } | null>(null);

  const documents = useQuery({
    queryKey: ["documents"],
    queryFn: async () => unwrap(await api.GET("/documents", { params: { query: { limit: 50 } } })).documents,
    // Live status: poll while any document is still moving through extraction.
    refetchInterval: (query) => (query.state.data?.some((d) => !SETTLED.has(d.state)) ? 1_500 : false),
  });

  const refresh = () => {
    void queries.invalidateQueries({ queryKey: ["documents"] });
    void queries.invalidateQueries({ queryKey: ["journey"] });
  };

  const upload = useMutation({
    mutationFn: async (file: File) => {
      if (file.type && file.type !== "application/pdf") throw new Error(`${file.name} is not a PDF.`);
      setProgress({ name: file.name, fraction: 0 });
      const created = unwrap(
        await api.POST("/documents", {
          body: { filename: file.name, size: file.size, content_type: "application/pdf" },
        }),
      );
      refresh();
      await putSigned(created.upload, file, (fraction) => setProgress({ name: file.name, fraction }));
      // The finalize event confirms too; confirming here makes the status move at once.
      await api.POST("/documents/{doc_id}/confirm", { params: { path: { doc_id: created.document.id } } });
      return created.document;
    },
    onSettled: () => {
      setProgress(null);
      refresh();
    },
  });

  const remove = useMutation({
    mutationFn: async (id: string) => {
      const answer = await api.DELETE("/documents/{doc_id}", { params: { path: { doc_id: id } } });
      if (!answer.response.ok) unwrap(answer);
    },
    onSettled: refresh,
  });

  function pick(files: FileList | null) {
    const file = files?.[0];
    if (file) upload.mutate(file);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    pick(event.dataTransfer.files);
  }

  const list = documents.data ?? [];
  return (
    <section>
      <h1>Your CV documents</h1>
      <div
        className={styles.drop}
        data-dragging={dragging || undefined}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop a CV (PDF, up to 10 MB) here, or</p>
        <label className="button" htmlFor="cv-file">
          Choose a PDF
        </label>
        <input
          ref={input}
          id="cv-file"
          className="visually-hidden"
          type="file"
          accept="application/pdf,.pdf"
          onChange={(e) => {
            pick(e.target.files);
            e.target.value = "";
          }}
        />
      </div>
      {progress && (
        <div className={styles.progress}>
          <p id="upload-label">
            Uploading {progress.name}: {Math.round(progress.fraction * 100)}%
          </p>
          <Progress.Root className={styles.bar} value={Math.round(progress.fraction * 100)} aria-labelledby="upload-label">
            <Progress.Indicator className={styles.fill} style={{ width: `${progress.fraction * 100}%` }} />
          </Progress.Root>
        </div>
      )}
      <Notice error={upload.error ? errorText(upload.error) : remove.error ? errorText(remove.error) : null} />

      <h2>Uploaded</h2>
      {documents.isPending && <p role="status">Loading…</p>}
      {documents.isSuccess && list.length === 0 && <p className="muted">No documents yet.</p>}
      <ul className={styles.list} aria-live="polite">
        {list.map((doc) => (
          <li key={doc.id} className="card" data-testid="document">
            <div className="row">
              <strong>{doc.filename}</strong>
              <StateBadge state={doc.state} />
              {doc.pages != null && <span className="muted">{doc.pages} pages</span>}
            </div>
            <DocumentStatus doc={doc} onAnother={() => input.current?.click()} onChanged={refresh} />
            <ConfirmDialog
              title={`Delete ${doc.filename}?`}
              confirmLabel="Delete"
              danger
              onConfirm={() => remove.mutate(doc.id)}
              trigger={
                <button type="button" className="secondary" aria-label={`Delete ${doc.filename}`}>
                  Delete
                </button>
              }
            >
              <p>The PDF and its extracted text are removed. Profiles already made from it stay.</p>
            </ConfirmDialog>
          </li>
        ))}
      </ul>
    </section>
  );
}

function DocumentStatus({
  doc,
  onAnother,
  onChanged,
}: {
  doc: DocumentOut;
  onAnother: () => void;
  onChanged: () => void;
}) {
  switch (doc.state) {
    case "PENDING_UPLOAD":
      return <p className="muted">Waiting for the file…</p>;
    case "UPLOADED":
    case "EXTRACTING":
      return <p role="status">Reading the text of your CV…</p>;
    case "EXTRACTED":
      return (
        <p>
          Text extracted ({doc.chars ?? 0} characters{doc.language ? `, ${doc.language}` : ""}).{" "}
          <Link to="/profile">See your career profile</Link>
        </p>
      );
    default:
      return <DocumentFailure doc={doc} onAnother={onAnother} onChanged={onChanged} />;
  }
}
