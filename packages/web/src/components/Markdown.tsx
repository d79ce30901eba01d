/** Markdown rendered with `marked` and sanitised with DOMPurify before it reaches the page. */
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

export function Markdown({ source }: { source: string }) {
  const html = useMemo(() => DOMPurify.sanitize(marked.parse(source, { async: false, gfm: true })), [source]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
