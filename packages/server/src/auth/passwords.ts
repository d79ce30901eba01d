/**
 * Password hashes in Werkzeug's format (`<method>$<salt>$<hex>`), so an MLflow auth database is
 * adopted as is: `scrypt:N:r:p` and `pbkdf2:<digest>:<iterations>` verify; new hashes are scrypt
 * with Werkzeug 3's parameters. Only node:crypto, no native addon.
 */
import { pbkdf2, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: Buffer, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

const SALT_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SCRYPT = { N: 32768, r: 8, p: 1 };
/** Werkzeug's pbkdf2 digests and their output sizes. */
const DIGEST_BYTES: Readonly<Record<string, number>> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

function salt(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SALT_CHARS[randomInt(SALT_CHARS.length)];
  return out;
}

async function scryptHex(password: string, saltText: string, n: number, r: number, p: number): Promise<Buffer> {
  return scryptAsync(Buffer.from(password, 'utf8'), Buffer.from(saltText, 'utf8'), 64, { N: n, r, p, maxmem: 132 * n * r * p + 1024 * 1024 });
}

export async function hashPassword(password: string): Promise<string> {
  const s = salt();
  const key = await scryptHex(password, s, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return `scrypt:${SCRYPT.N}:${SCRYPT.r}:${SCRYPT.p}$${s}$${key.toString('hex')}`;
}

/** Werkzeug `check_password_hash`: false for any malformed or unsupported hash. */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) return false;
  const first = stored.indexOf('$');
  const second = first < 0 ? -1 : stored.indexOf('$', first + 1);
  if (second < 0) return false;
  const method = stored.slice(0, first);
  const saltText = stored.slice(first + 1, second);
  const expected = Buffer.from(stored.slice(second + 1), 'hex');
  const actual = await derive(method, saltText, password);
  return actual !== undefined && actual.length === expected.length && expected.length > 0 && timingSafeEqual(actual, expected);
}

async function derive(method: string, saltText: string, password: string): Promise<Buffer | undefined> {
  const parts = method.split(':');
  try {
    if (parts[0] === 'scrypt') {
      const [n, r, p] = [Number(parts[1] ?? 32768), Number(parts[2] ?? 8), Number(parts[3] ?? 1)];
      if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n > 2 ** 20 || r > 64 || p > 16) return undefined;
      return await scryptHex(password, saltText, n, r, p);
    }
    if (parts[0] === 'pbkdf2') {
      const digest = parts[1] ?? 'sha256';
      const iterations = Number(parts[2] ?? 600000);
      const bytes = DIGEST_BYTES[digest];
      if (bytes === undefined || !Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return undefined;
      return await pbkdf2Async(Buffer.from(password, 'utf8'), Buffer.from(saltText, 'utf8'), iterations, bytes, digest);
    }
  } catch {
    return undefined;
  }
  return undefined;
}
