import DOMPurify from 'dompurify';
import { marked } from 'marked';

// Links in messages open elsewhere and tell the target nothing about the console.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.getAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** Message text as Markdown (GitHub's flavour), sanitised: a message never runs script here. */
export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, { FORBID_TAGS: ['style', 'form', 'input'] });
}

export function Markdown({ text }: { text: string }) {
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />;
}

/** The search snippet: HTML-escaped by the service with <mark> around matches; sanitised anyway. */
export function Snippet({ html }: { html: string }) {
  const clean = DOMPurify.sanitize(html, { ALLOWED_TAGS: ['mark'], ALLOWED_ATTR: [] });
  return <span class="snippet" dangerouslySetInnerHTML={{ __html: clean }} />;
}
