import { type FormEvent, useState } from 'react';
import { api } from '../api';
import { errorText, Notice } from './Status';

/** Log in, or register and then log in. */
export function Account({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    setBusy(true);
    setError(undefined);
    try {
      if (mode === 'register') await api.register(email, password, String(form.get('name')));
      await api.login(email, password);
      await onSignedIn();
      window.location.hash = '#/';
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="account-title" className="narrow">
      <h1 id="account-title">{mode === 'login' ? 'Log in' : 'Create an account'}</h1>
      <form onSubmit={submit} className="stack">
        {mode === 'register' && (
          <label>
            Name
            <input name="name" required maxLength={100} autoComplete="name" />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" required autoComplete="email" />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            required
            minLength={mode === 'register' ? 8 : 1}
            maxLength={128}
            autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
          />
        </label>
        <button type="submit" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Register'}
        </button>
      </form>
      <Notice error={error} />
      <p>
        {mode === 'login' ? 'New here? ' : 'Have an account? '}
        <button
          type="button"
          className="link"
          onClick={() => setMode(mode === 'login' ? 'register' : 'login')}
        >
          {mode === 'login' ? 'Create an account' : 'Log in instead'}
        </button>
      </p>
    </section>
  );
}
