/** Werkzeug hashes from MLflow auth databases verify; ours are scrypt in Werkzeug 3's format. */
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/auth/passwords.js';

// made by Werkzeug 2.2 (generate_password_hash) and by hashlib.scrypt in Werkzeug 3's format
const WERKZEUG = [
  'pbkdf2:sha256:260000$56fl7MhGgJQMWrxf$2743e4804732f2fd7c1230a8b3a3713f1f38ac478ec71fb2505545c880024bd4',
  'pbkdf2:sha512:1000$MQIopJyOIovw1TbX$c15b2b57876aeb0af454df09469f0c587eec7ff0b97ed0d3c6208060bd84782644729a1ab5f80c3bdda2fff1f5b0dde7ea8fd50d1994c805f4f7b110f0000c1e',
  'scrypt:32768:8:1$AbCdEfGh12345678$cb7ee8c31650fa675c90bf489af3bedc424d09877545150ff732efa9f0c1cd2205811d07b550d03409668054feb529892358e32cf9dcd14d1c27ccf90d3c7477',
];

describe('password hashes', () => {
  it.each(WERKZEUG)('verifies the Werkzeug hash %s', async (stored) => {
    expect(await verifyPassword(stored, 'pässword')).toBe(true);
    expect(await verifyPassword(stored, 'password')).toBe(false);
  });

  it('writes scrypt hashes that verify and are salted', async () => {
    const a = await hashPassword('s3cret');
    const b = await hashPassword('s3cret');
    expect(a).toMatch(/^scrypt:32768:8:1\$[A-Za-z0-9]{16}\$[0-9a-f]{128}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 's3cret')).toBe(true);
    expect(await verifyPassword(a, 's3cret ')).toBe(false);
  });

  it.each(['', 'nohash', 'md5$x$y', 'scrypt:99999999:8:1$s$00', 'pbkdf2:nope:10$s$00', 'pbkdf2:sha256:10$s$'])('rejects the malformed hash %j', async (stored) => {
    expect(await verifyPassword(stored, '')).toBe(false);
  });
});
