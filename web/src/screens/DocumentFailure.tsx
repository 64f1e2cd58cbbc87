import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api, errorText, unwrap } from "../api/client";
import type { DocumentOut } from "../api/types";
import { Notice } from "../components/Field";

/** A FAILED or REJECTED document: why, and the buttons of its next action. */
export function DocumentFailure({
  doc,
  onAnother,
  onChanged,
}: {
  doc: DocumentOut;
  onAnother: () => void;
  onChanged: () => void;
}) {
  const passwordId = useId();
  const [password, setPassword] = useState("");
  const path = { params: { path: { doc_id: doc.id } } };

  const retry = useMutation({
    mutationFn: async () => unwrap(await api.POST("/documents/{doc_id}:retry", path)),
    onSettled: onChanged,
  });
  const unlock = useMutation({
    // The password goes in this one request and is forgotten: the field is cleared either way.
    mutationFn: async (secret: string) =>
      unwrap(await api.POST("/documents/{doc_id}:unlock", { ...path, body: { password: secret } })),
    onSettled: () => {
      setPassword("");
      onChanged();
    },
  });

  function submitUnlock(event: FormEvent) {
    event.preventDefault();
    if (password) unlock.mutate(password);
  }

  const action = doc.next_action;
  const error = retry.error ?? unlock.error;
  return (
    <div role="alert" data-testid="document-failure" data-next-action={action ?? undefined}>
      <p className="error">{doc.failure_message || failureReason(doc.failure_class)}</p>
      <p className="muted">{actionText(action)}</p>
      {action === "unlock" && (
        <form className="row" onSubmit={submitUnlock}>
          <label htmlFor={passwordId}>PDF password</label>
          <input
            id={passwordId}
            type="password"
            autoComplete="off"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          <button type="submit" disabled={unlock.isPending || !password}>
            {unlock.isPending ? "Unlocking…" : "Unlock"}
          </button>
        </form>
      )}
      <p className="row">
        {action === "retry" && (
          <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
            {retry.isPending ? "Retrying…" : "Retry"}
          </button>
        )}
        <button type="button" className="secondary" onClick={onAnother}>
          Upload another file
        </button>
      </p>
      <Notice error={error ? errorText(error) : null} />
    </div>
  );
}

export function failureReason(failure: string | null | undefined): string {
  switch (failure) {
    case "PDF_ENCRYPTED":
      return "This PDF is protected by a password.";
    case "PDF_NO_TEXT":
      return "This PDF has no text layer (it looks like a scan).";
    case "PDF_CORRUPT":
      return "This PDF is damaged and cannot be read.";
    case "TOO_MANY_PAGES":
      return "This PDF has too many pages.";
    case "FILE_TOO_LARGE":
      return "This file is too large.";
    case "UPLOAD_REJECTED":
      return "The upload was refused (it is not a PDF, or its size differs from what was announced).";
    case "TIMEOUT":
      return "Reading this document took too long.";
    default:
      return `Processing failed (${failure ?? "unknown"}).`;
  }
}

/** What the next action asks of the user, in words (the vocabulary of docs/decisions/0121). */
export function actionText(action: string | null | undefined): string {
  switch (action) {
    case "retry":
      return "This failure was on our side: retry it.";
    case "unlock":
      return "Give the PDF's password to open it. It is used once and never stored.";
    case "upload_another":
      return "This file cannot be used: upload another one (a text PDF, at most 10 MB).";
    case "wait":
      return "A limit was reached; try again later.";
    case "contact_support":
      return "Something went wrong on our side that retrying will not fix; operators have been told.";
    default:
      return "Upload the file again.";
  }
}
