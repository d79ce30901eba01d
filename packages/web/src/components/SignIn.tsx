/** The sign-in form shown when auth is on and there is no session (`POST auth/login`). */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useLogin } from '../hooks/useAuth';

export function SignIn() {
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ username, password });
  };
  return (
    <form className="card signin" onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <label>
        Username
        <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
      </label>
      <label>
        Password
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      {login.isError && (
        <p className="field-error" role="alert">
          {login.error.message}
        </p>
      )}
      <button type="submit" className="primary" disabled={login.isPending}>
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
