/** S3 locations as URIs (`s3://bucket/prefix`), without loading the AWS SDK. */
import { MlflowError } from '@darwin-mlflow/contract';
import { urlparse } from '../uri.js';

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing `/` (`''` for the bucket root). */
  prefix: string;
}

/** `s3://bucket/some/prefix` → bucket and prefix. */
export function parseS3Uri(uri: string): S3Location {
  const parsed = urlparse(uri);
  if (parsed.scheme !== 's3' || parsed.netloc === '') {
    throw MlflowError.invalidParameter(`Not an S3 URI: '${uri}'. Expected s3://<bucket>/<prefix>.`);
  }
  return { bucket: parsed.netloc, prefix: parsed.path.replace(/^\/+|\/+$/g, '') };
}
