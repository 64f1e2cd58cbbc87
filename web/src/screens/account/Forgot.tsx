import { useState, type FormEvent } from "react";
import { errorText } from "../../api/client";
import { Field, Notice } from "../../components/Field";
import { Link, navigate } from "../../router";
import { forgotPassword, pendingEmail } from "./auth-api";

export default function Forgot() {
  const [email, setEmail] = useState(pendingEmail.get());
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await forgotPassword(email.trim());
      pendingEmail.set(email.trim());
      navigate("/reset");
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <section>
      <h1>Forgot your password</h1>
      <p>Enter your e-mail: if it has an account, we send it a code to set a new password.</p>
      <form onSubmit={submit}>
        <Field label="E-mail" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Notice error={error} />
        <p className="row">
          <button type="submit">Send the code</button>
          <Link to="/sign-in">Back to sign in</Link>
        </p>
      </form>
    </section>
  );
}
