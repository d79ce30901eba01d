/** A URI shown as code with a button that copies it (the deploy URI of an artifact or a model version). */
import { useState } from 'react';

export function CopyUri({ uri, testId = 'artifact-uri' }: { uri: string; testId?: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(uri);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <span className="copy-uri">
      <code className="mono" data-testid={testId}>
        {uri}
      </code>
      <button type="button" onClick={() => void copy()} aria-label={`Copy URI ${uri}`}>
        Copy URI
      </button>
      <span role="status">{copied === true ? 'Copied' : copied === false ? 'The browser refused the clipboard; select the text instead' : ''}</span>
    </span>
  );
}
