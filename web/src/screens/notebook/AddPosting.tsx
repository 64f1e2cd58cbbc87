import * as Tabs from "@radix-ui/react-tabs";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, errorText, unwrap } from "../../api/client";
import type { Schemas } from "../../api/types";
import { Field, Notice } from "../../components/Field";
import styles from "../Notebook.module.css";

/** Add a posting the user found elsewhere: a supported board's URL, or the text pasted in. */
export function AddPosting() {
  const queries = useQueryClient();
  const [url, setUrl] = useState("");
  const [posting, setPosting] = useState({ title: "", company: "", url: "", description: "" });
  const save = useMutation({
    mutationFn: async (body: Schemas["SaveRequest"]) => unwrap(await api.POST("/notebook", { body })),
    onSuccess: () => {
      setUrl("");
      setPosting({ title: "", company: "", url: "", description: "" });
      void queries.invalidateQueries({ queryKey: ["notebook"] });
    },
  });
  const base = { offer_id: null, posting: null, url: null, notes: "", tags: [], follow_up: null };
  function byUrl(event: FormEvent) {
    event.preventDefault();
    save.mutate({ ...base, url: url.trim() });
  }
  function pasted(event: FormEvent) {
    event.preventDefault();
    save.mutate({ ...base, posting });
  }
  return (
    <details className="card">
      <summary>Add a posting</summary>
      <Tabs.Root defaultValue="url">
        <Tabs.List aria-label="How to add" className={styles.tabs}>
          <Tabs.Trigger value="url">By URL</Tabs.Trigger>
          <Tabs.Trigger value="paste">Paste the text</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="url">
          <form onSubmit={byUrl}>
            <Field
              label="Posting URL"
              type="url"
              required
              hint="Greenhouse, Lever, Ashby, Workable, SmartRecruiters, Recruitee or Personio."
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
            <p>
              <button type="submit" disabled={save.isPending}>
                Add from URL
              </button>
            </p>
          </form>
        </Tabs.Content>
        <Tabs.Content value="paste">
          <form onSubmit={pasted}>
            <Field label="Title" required value={posting.title} onChange={(e) => setPosting({ ...posting, title: e.target.value })} />
            <Field label="Company" required value={posting.company} onChange={(e) => setPosting({ ...posting, company: e.target.value })} />
            <Field label="Link" required value={posting.url} onChange={(e) => setPosting({ ...posting, url: e.target.value })} />
            <label htmlFor="posting-text">Description</label>
            <textarea
              id="posting-text"
              rows={6}
              maxLength={60000}
              value={posting.description}
              onChange={(e) => setPosting({ ...posting, description: e.target.value })}
            />
            <p>
              <button type="submit" disabled={save.isPending}>
                Add posting
              </button>
            </p>
          </form>
        </Tabs.Content>
      </Tabs.Root>
      <Notice error={save.error ? errorText(save.error) : null} ok={save.isSuccess ? "Added to your notebook." : null} />
    </details>
  );
}
