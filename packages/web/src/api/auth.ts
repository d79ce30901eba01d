/** The browser-session endpoints (relative to the static prefix). */
import { ApiError, get, post, setCsrfToken } from './client';

export interface SessionUser {
  id: number | string;
  username: string;
  is_admin: boolean;
}

export interface AuthState {
  auth_enabled: boolean;
  user: SessionUser | null;
  csrf_token: string | null;
}

/** A server without the auth module answers 404 for `auth/me`: auth is then off. */
export async function fetchAuthState(): Promise<AuthState> {
  try {
    const state = await get<AuthState>('auth/me');
    setCsrfToken(state.csrf_token ?? null);
    return state;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { auth_enabled: false, user: null, csrf_token: null };
    throw err;
  }
}

export async function login(username: string, password: string): Promise<AuthState> {
  const reply = await post<{ user: SessionUser; csrf_token: string }>('auth/login', { username, password });
  setCsrfToken(reply.csrf_token);
  return { auth_enabled: true, user: reply.user, csrf_token: reply.csrf_token };
}

export async function logout(): Promise<void> {
  await post('auth/logout', {});
  setCsrfToken(null);
}
