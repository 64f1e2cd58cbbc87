import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, callJson, errorText, unwrap } from "../api/client";
import { signOut, useSession } from "../auth/session";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Notice } from "../components/Field";

export default function Settings() {
  const session = useSession();
  const me = useQuery({ queryKey: ["me"], queryFn: async () => unwrap(await api.GET("/me")) });
  const [typed, setTyped] = useState("");
  const confirmId = useId();

  const exportData = useMutation({
    mutationFn: async () => {
      const data = await callJson<unknown>("GET", "/api/me/export");
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = `career-export-${session?.uid ?? "me"}.json`;
      link.click();
      URL.revokeObjectURL(link.href);
    },
  });

  const remove = useMutation({
    mutationFn: () => callJson("DELETE", "/api/me", { confirm: "DELETE" }),
    onSuccess: () => signOut(),
  });

  return (
    <section>
      <h1>Account settings</h1>
      {me.data && (
        <dl>
          <dt>E-mail</dt>
          <dd>{me.data.email ?? "—"}</dd>
          <dt>Name</dt>
          <dd>{me.data.display_name ?? "—"}</dd>
          <dt>Role</dt>
          <dd>{me.data.role}</dd>
        </dl>
      )}
      <h2>Your data</h2>
      <p>Download everything we store about you: account, inputs, documents and their text, profiles, matches and notebook.</p>
      <button type="button" onClick={() => exportData.mutate()} disabled={exportData.isPending}>
        {exportData.isPending ? "Preparing…" : "Export my data"}
      </button>
      <Notice error={exportData.error ? errorText(exportData.error) : null} ok={exportData.isSuccess ? "Your export was downloaded." : null} />
      <h2>Delete your account</h2>
      <p>This removes your account, your documents and everything made from them. It cannot be undone.</p>
      <label htmlFor={confirmId}>Type DELETE to confirm</label>
      <input id={confirmId} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
      <p>
        <ConfirmDialog
          title="Delete your account?"
          confirmLabel="Delete my account"
          danger
          confirmDisabled={typed !== "DELETE"}
          onConfirm={() => remove.mutate()}
          trigger={
            <button type="button" className="danger" disabled={typed !== "DELETE"}>
              Delete my account
            </button>
          }
        >
          <p>Everything is deleted and you are signed out.</p>
        </ConfirmDialog>
      </p>
      <Notice error={remove.error ? errorText(remove.error) : null} />
    </section>
  );
}
