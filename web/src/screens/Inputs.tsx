import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState, type FormEvent } from "react";
import { ApiError, api, errorText, unwrap } from "../api/client";
import type { ProfileInputs } from "../api/types";
import { Field, Notice } from "../components/Field";
import { Link } from "../router";

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

export default function Inputs() {
  const queries = useQueryClient();
  const stored = useQuery({
    queryKey: ["inputs"],
    queryFn: async () => {
      const answer = await api.GET("/me/profile-inputs");
      if (answer.response.status === 404) return null; // nothing saved yet
      return unwrap(answer);
    },
  });
  const [roles, setRoles] = useState("");
  const [notes, setNotes] = useState("");
  const [locations, setLocations] = useState("");
  const [remote, setRemote] = useState<ProfileInputs["remote_preference"]>("any");
  const [salary, setSalary] = useState("");
  const [currency, setCurrency] = useState("EUR");
  const [period, setPeriod] = useState<"year" | "month" | "day" | "hour">("year");
  const ids = { notes: useId(), remote: useId(), period: useId() };

  useEffect(() => {
    const data = stored.data;
    if (!data) return;
    setRoles(data.target_roles.join("\n"));
    setNotes(data.notes);
    setLocations((data.preferred_locations ?? []).join("\n"));
    setRemote(data.remote_preference);
    if (data.salary_floor) {
      setSalary(String(data.salary_floor.amount));
      setCurrency(data.salary_floor.currency);
      setPeriod(data.salary_floor.period);
    }
  }, [stored.data]);

  const save = useMutation({
    mutationFn: async (body: ProfileInputs) => unwrap(await api.PUT("/me/profile-inputs", { body })),
    onSuccess: (data) => {
      queries.setQueryData(["inputs"], data);
      void queries.invalidateQueries({ queryKey: ["journey"] });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({
      target_roles: lines(roles),
      notes,
      preferred_locations: lines(locations),
      remote_preference: remote,
      salary_floor: salary ? { amount: Number(salary), currency: currency.trim().toUpperCase(), period } : null,
    });
  }

  const problems = save.error instanceof ApiError ? fieldErrors(save.error) : [];

  return (
    <section>
      <h1>What you are looking for</h1>
      {stored.isPending ? (
        <p role="status">Loading your inputs…</p>
      ) : (
        <form onSubmit={submit}>
          <div>
            <label htmlFor="roles">Target roles</label>
            <textarea id="roles" aria-describedby="roles-hint" rows={3} required value={roles} onChange={(e) => setRoles(e.target.value)} />
            <p id="roles-hint" className="hint">
              One per line, up to 10. For example “Backend Engineer”.
            </p>
          </div>
          <div>
            <label htmlFor={ids.notes}>Notes</label>
            <textarea id={ids.notes} rows={3} maxLength={5000} value={notes} onChange={(e) => setNotes(e.target.value)} />
          </div>
          <div>
            <label htmlFor="locations">Preferred locations</label>
            <textarea id="locations" aria-describedby="locations-hint" rows={2} value={locations} onChange={(e) => setLocations(e.target.value)} />
            <p id="locations-hint" className="hint">
              Cities or countries, one per line.
            </p>
          </div>
          <div>
            <label htmlFor={ids.remote}>Remote preference</label>
            <select id={ids.remote} value={remote} onChange={(e) => setRemote(e.target.value as typeof remote)}>
              <option value="any">Any</option>
              <option value="remote_only">Remote only</option>
              <option value="hybrid">Hybrid</option>
              <option value="onsite">On site</option>
            </select>
          </div>
          <fieldset className="card">
            <legend>Salary floor (optional)</legend>
            <div className="row">
              <Field label="Amount" type="number" min={0} value={salary} onChange={(e) => setSalary(e.target.value)} />
              <Field label="Currency" maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value)} />
              <div>
                <label htmlFor={ids.period}>Per</label>
                <select id={ids.period} value={period} onChange={(e) => setPeriod(e.target.value as typeof period)}>
                  <option value="year">year</option>
                  <option value="month">month</option>
                  <option value="day">day</option>
                  <option value="hour">hour</option>
                </select>
              </div>
            </div>
          </fieldset>
          <Notice error={save.error ? errorText(save.error) : null} ok={save.isSuccess ? "Saved." : null} />
          {problems.length > 0 && (
            <ul className="error">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <p className="row">
            <button type="submit" disabled={save.isPending}>
              Save inputs
            </button>
            {save.isSuccess && <Link to="/documents">Next: upload your CV</Link>}
          </p>
        </form>
      )}
    </section>
  );
}

function fieldErrors(error: ApiError): string[] {
  const body = error.body as { errors?: { loc?: unknown[]; msg?: string }[] } | null;
  return (body?.errors ?? []).map((e) => `${(e.loc ?? []).join(".")}: ${e.msg ?? "invalid"}`);
}
