import { MlflowError } from '@darwin-mlflow/contract';
import { describe, expect, it } from 'vitest';
import { isClientGone, toStorageError } from '../../src/artifacts/service/storageErrors.js';

describe('store failures as MLflow errors', () => {
  it('turns what the caller got wrong into 4xx and keeps store internals out of messages', () => {
    expect(toStorageError('complete', Object.assign(new Error('gone'), { name: 'NoSuchUpload' })).httpStatus).toBe(404);
    expect(toStorageError('complete', Object.assign(new Error('bad'), { name: 'InvalidPart' })).httpStatus).toBe(400);
    expect(toStorageError('abort', Object.assign(new Error('no'), { name: 'MethodNotAllowed' })).code).toBe('NOT_IMPLEMENTED');
    expect(toStorageError('read', Object.assign(new Error('loop'), { code: 'ELOOP' })).message).toBe('Invalid path');
    const internal = toStorageError('store an artifact', Object.assign(new Error('EACCES: /srv/secret'), { code: 'EACCES' }));
    expect(internal.code).toBe('INTERNAL_ERROR');
    expect(internal.message).not.toContain('/srv/secret');
    const own = MlflowError.invalidParameter('x');
    expect(toStorageError('x', own)).toBe(own);
  });

  it('recognises a client that went away mid-body', () => {
    expect(isClientGone(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }))).toBe(true);
    expect(isClientGone(new Error('aborted'))).toBe(true);
    expect(isClientGone(new Error('other'))).toBe(false);
  });
});
