/**
 * Who is calling: HTTP Basic (MLflow users), `Bearer` personal access tokens, the browser session
 * cookie, or — only when the operator enabled it — a header set by an SSO proxy. Verified
 * credentials are cached for at most CACHE_TTL_MS, keyed by a keyed SHA-256 of the header (never the
 * plain secret), so a KDF runs once per client per 2 s, and a changed password, a revoked token or a
 * logout takes effect everywhere within that time. Failed attempts are rate limited.
 */
import { createHash, hash, randomBytes } from 'node:crypto';
import type { AuthConfig } from '../config/authConfig.js';
import { FailureLimiter } from './limiter.js';
import { verifyPassword } from './passwords.js';
import type { AuthStore, UserRow } from './store.js';

export const CACHE_TTL_MS = 2_000;
const CACHE_MAX_ENTRIES = 10_000;
const TOKEN_TOUCH_INTERVAL_MS = 60_000;
export const SESSION_COOKIE = 'darwin_session';

export interface Principal {
  readonly id: number;
  readonly username: string;
  readonly isAdmin: boolean;
  readonly via: 'basic' | 'token' | 'session' | 'trusted-header';
  /** Session logins only: the token cookie-authenticated writes must echo in X-CSRF-Token. */
  readonly csrfToken?: string;
}

export type Authentication =
  | { readonly kind: 'ok'; readonly principal: Principal }
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'limited'; readonly retryAfterSeconds: number };

export interface CredentialInput {
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly trusted: string | undefined;
  readonly client: string;
}

interface Cached {
  readonly principal: Principal;
  readonly expiresAt: number;
  /** Basic only: the stored hash the password was verified against. */
  readonly passwordHash?: string | null;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export class CredentialVerifier {
  /** Secret prefix of the cache keys: a header's key cannot be computed, or reversed, without it. */
  private readonly cacheKey = randomBytes(32).toString('base64');
  private readonly cache = new Map<string, Cached>();
  /** Verifications in flight, so concurrent requests with one header run one KDF. */
  private readonly pending = new Map<string, Promise<Authentication>>();
  readonly limiter: FailureLimiter;

  constructor(
    private readonly store: AuthStore,
    private readonly config: AuthConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.limiter = new FailureLimiter(store.database, now);
  }

  async authenticate(input: CredentialInput): Promise<Authentication> {
    if (this.config.trustedHeader && input.trusted) return this.cached(`t:${input.trusted}`, () => this.trustedUser(input.trusted!));
    const header = input.authorization?.trim();
    if (header) {
      const space = header.indexOf(' ');
      const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
      const value = space < 0 ? '' : header.slice(space + 1).trim();
      if (scheme === 'basic') return this.basic(header, value, input.client);
      if (scheme === 'bearer') return this.cached(`b:${header}`, () => this.bearer(value));
      return { kind: 'invalid' };
    }
    const session = readCookie(input.cookie, SESSION_COOKIE);
    if (session) return this.cached(`s:${session}`, () => this.session(session));
    return { kind: 'none' };
  }

  /** Verifies a username and password (login form and Basic): rate limited per user and client. */
  async checkPassword(username: string, password: string, client: string): Promise<Authentication> {
    return (await this.verified(username, password, client)).result;
  }

  /** checkPassword, with the stored hash the password matched (for the Basic cache). */
  private async verified(username: string, password: string, client: string): Promise<{ result: Authentication; hash?: string | null }> {
    const retry = await this.limiter.retryAfter(username, client);
    if (retry > 0) return { result: { kind: 'limited', retryAfterSeconds: retry } };
    const user = await this.store.findUser(username);
    if (!user || !(await verifyPassword(user.passwordHash, password))) {
      await this.limiter.fail(username, client);
      return { result: { kind: 'invalid' } };
    }
    await this.limiter.succeed(username);
    return { result: { kind: 'ok', principal: principalOf(user, 'basic') }, hash: user.passwordHash };
  }

  /** Drops every cached credential of a user on this process (others expire within CACHE_TTL_MS). */
  forget(userId: number): void {
    for (const [key, entry] of this.cache) if (entry.principal.id === userId) this.cache.delete(key);
  }

  forgetAll(): void {
    this.cache.clear();
  }

  private async basic(header: string, value: string, client: string): Promise<Authentication> {
    const key = this.key(`a:${header}`);
    const hit = this.hit(key);
    if (hit) return { kind: 'ok', principal: hit };
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const work = this.verifyBasic(key, value, client).finally(() => this.pending.delete(key));
    this.pending.set(key, work);
    return work;
  }

  /**
   * After the 2 s an entry lives, the user row is read again: an unchanged hash means the
   * password that matched it still does, so no KDF runs; a changed or deleted user is verified
   * from scratch (and fails).
   */
  private async verifyBasic(key: string, value: string, client: string): Promise<Authentication> {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'invalid' };
    const username = decoded.slice(0, colon);
    const stale = this.cache.get(key);
    if (stale?.passwordHash) {
      const user = await this.store.findUser(username);
      if (user && user.passwordHash === stale.passwordHash) {
        const principal = principalOf(user, 'basic');
        this.remember(key, principal, user.passwordHash);
        return { kind: 'ok', principal };
      }
      this.cache.delete(key);
    }
    const { result, hash } = await this.verified(username, decoded.slice(colon + 1), client);
    if (result.kind === 'ok') this.remember(key, result.principal, hash);
    return result;
  }

  private async cached(label: string, load: () => Promise<Principal | undefined>): Promise<Authentication> {
    const key = this.key(label);
    const hit = this.hit(key);
    if (hit) return { kind: 'ok', principal: hit };
    this.cache.delete(key);
    const principal = await load();
    if (!principal) return { kind: 'invalid' };
    this.remember(key, principal);
    return { kind: 'ok', principal };
  }

  private async bearer(token: string): Promise<Principal | undefined> {
    if (token === '') return undefined;
    const row = await this.store.findTokenByHash(sha256Hex(token));
    const now = this.now();
    if (!row || (row.expiresAt !== null && row.expiresAt <= now)) return undefined;
    if (row.lastUsedAt === null || now - row.lastUsedAt > TOKEN_TOUCH_INTERVAL_MS) await this.store.touchToken(row.id, now);
    return principalOf(row.user, 'token');
  }

  private async session(cookie: string): Promise<Principal | undefined> {
    const row = await this.store.findSession(sha256Hex(cookie));
    if (!row || row.expiresAt <= this.now()) return undefined;
    return { ...principalOf(row.user, 'session'), csrfToken: row.csrfToken };
  }

  /** Behind an SSO proxy: the header names the user; first-time users are created without a password. */
  private async trustedUser(username: string): Promise<Principal | undefined> {
    const name = username.trim();
    if (name === '' || name.length > 255) return undefined;
    let user = await this.store.findUser(name);
    if (!user) {
      try {
        user = await this.store.createUser(name, '', false);
      } catch {
        user = await this.store.findUser(name);
      }
    }
    return user ? principalOf(user, 'trusted-header') : undefined;
  }

  /**
   * SHA-256 of the process's secret and the header: a keyed hash, so the cache never holds a
   * password or token. The one-shot `hash` costs about a third of an HMAC object per request;
   * HMAC's defence against length extension buys nothing for keys that never leave the process.
   */
  private key(label: string): string {
    return hash('sha256', `${this.cacheKey}\0${label}`, 'base64');
  }

  /** A live entry; an expired one stays for verifyBasic's cheap re-check. */
  private hit(key: string): Principal | undefined {
    const entry = this.cache.get(key);
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return entry.principal;
  }

  private remember(key: string, principal: Principal, passwordHash?: string | null): void {
    if (this.cache.size >= CACHE_MAX_ENTRIES) {
      const now = this.now();
      for (const [k, v] of this.cache) if (v.expiresAt <= now) this.cache.delete(k);
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    }
    this.cache.set(key, { principal, expiresAt: this.now() + CACHE_TTL_MS, passwordHash });
  }
}

export function principalOf(user: UserRow, via: Principal['via']): Principal {
  return { id: user.id, username: user.username, isAdmin: user.isAdmin, via };
}
