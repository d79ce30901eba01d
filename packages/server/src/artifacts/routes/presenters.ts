/** Wire form of artifact entities. */
import type { FileInfo } from '@darwin-mlflow/contract';
import type { ArtifactFileInfo } from '../repos/repository.js';

/** MLflow's FileInfo: `file_size` only for files. */
export function presentFileInfo(f: ArtifactFileInfo): FileInfo {
  return f.isDir ? { path: f.path, is_dir: true } : { path: f.path, is_dir: false, file_size: f.size ?? 0 };
}
