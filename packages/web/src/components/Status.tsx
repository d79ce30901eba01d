/** Loading and error states: every view shows one or the other until its data is there. */
import { Component } from 'react';
import type { ErrorInfo, ReactNode } from 'react';
import { ApiError } from '../api/client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="status" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const notFound = error instanceof ApiError && (error.status === 404 || error.code === 'RESOURCE_DOES_NOT_EXIST');
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="status error" role="alert">
      <strong>{notFound ? 'Not found' : 'Something went wrong'}</strong>
      <p>{message}</p>
      {retry && !notFound && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

class Boundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }
  override render() {
    if (this.state.error !== undefined) return <ErrorState error={this.state.error} retry={() => this.setState({ error: undefined })} />;
    return this.props.children;
  }
}

export { Boundary as ErrorBoundary };
