import { useId, type InputHTMLAttributes, type ReactNode } from "react";

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode };

/** A labelled input whose hint is announced with it. */
export function Field({ label, hint, ...input }: FieldProps) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}

/** An error or success line that screen readers announce when it appears. */
export function Notice({ error, ok }: { error?: string | null; ok?: string | null }) {
  return (
    <div aria-live="polite">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {ok && <p className="ok">{ok}</p>}
    </div>
  );
}
