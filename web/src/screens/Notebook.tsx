import { useQuery } from "@tanstack/react-query";
import { ApiError, callJson, errorText } from "../api/client";
import { Link } from "../router";

interface Entry {
  id: string;
  status: string;
  offer?: { title?: string; company?: string; url?: string };
  title?: string;
  company?: string;
}

export default function Notebook() {
  const entries = useQuery({
    queryKey: ["notebook"],
    queryFn: () => callJson<{ items?: Entry[]; entries?: Entry[] }>("GET", "/api/notebook"),
    retry: false,
  });
  if (entries.error instanceof ApiError && entries.error.status === 404) {
    return (
      <section>
        <h1>Notebook</h1>
        <p>The notebook is not available on this server yet.</p>
      </section>
    );
  }
  const list = entries.data?.items ?? entries.data?.entries ?? [];
  return (
    <section>
      <h1>Notebook</h1>
      {entries.error && <p className="error">{errorText(entries.error)}</p>}
      {entries.isSuccess && list.length === 0 && (
        <p className="muted">
          Nothing saved yet: save offers from your <Link to="/matches">matches</Link>.
        </p>
      )}
      <ul>
        {list.map((e) => (
          <li key={e.id}>
            {e.offer?.title ?? e.title} · {e.offer?.company ?? e.company} · {e.status}
          </li>
        ))}
      </ul>
    </section>
  );
}
