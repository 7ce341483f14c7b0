import { formatMs, formatNumber, formatTime } from '../format.js';
import { Markdown } from '../markdown.js';
import type { Message, Usage } from '../types.js';
import { messageParts, showValue, type Attachment, type ToolCall } from './message-parts.js';

/** Where each tool call and each result of the loaded messages is, to link one to the other. */
export interface ToolLinks {
  /** call id -> the seq of the message answering it, and its output. */
  results: Map<string, { seq: number; output: unknown; status: Message['status'] }>;
  /** call id -> the seq of the message making the call, and the tool's name. */
  calls: Map<string, { seq: number; name: string | null }>;
}

export function toolLinks(messages: Message[]): ToolLinks {
  const links: ToolLinks = { results: new Map(), calls: new Map() };
  for (const message of messages) {
    const parts = messageParts(message);
    for (const call of parts.calls) {
      links.calls.set(call.id, { seq: message.seq, name: call.name });
      if (call.output !== undefined && !links.results.has(call.id)) {
        links.results.set(call.id, {
          seq: message.seq,
          output: call.output,
          status: message.status,
        });
      }
    }
    for (const [id, output] of parts.results) {
      links.results.set(id, { seq: message.seq, output, status: message.status });
    }
  }
  return links;
}

const ROLE_NAMES: Record<Message['role'], string> = {
  system: 'System',
  user: 'User',
  assistant: 'Assistant',
  tool: 'Tool',
};

export function MessageView(props: { message: Message; links: ToolLinks; highlighted: boolean }) {
  const { message, links } = props;
  const parts = messageParts(message);
  const label = `${ROLE_NAMES[message.role]} message ${message.seq}`;
  return (
    <article
      id={`m-${message.seq}`}
      class={`message role-${message.role} kind-${message.kind} status-${message.status}${
        props.highlighted ? ' highlighted' : ''
      }`}
      aria-label={label}
      data-seq={message.seq}
      data-status={message.status}
      tabIndex={-1}
    >
      <header class="message-head">
        <span class="role">{ROLE_NAMES[message.role]}</span>
        {message.kind !== 'message' && <span class="tag">{message.kind}</span>}
        <StatusBadge status={message.status} />
        <span class="seq" title="seq: the message's position in the session">
          #{message.seq}
        </span>
        <time dateTime={message.created_at} title={message.created_at}>
          {formatTime(message.created_at)}
        </time>
      </header>
      <Body message={message} parts={parts} links={links} />
      {parts.attachments.length > 0 && <Attachments items={parts.attachments} />}
      <footer class="message-foot">
        {message.usage && <UsageLine usage={message.usage} />}
        {message.status !== 'streaming' && message.updated_at !== message.created_at && (
          <span title="from the first to the last write of this message">
            took {formatMs(Date.parse(message.updated_at) - Date.parse(message.created_at))}
          </span>
        )}
        <details class="raw">
          <summary>Details</summary>
          <dl>
            <dt>message_id</dt>
            <dd>
              <code>{message.message_id}</code>
            </dd>
            <dt>version</dt>
            <dd>{message.version}</dd>
            <dt>tokens</dt>
            <dd>{formatNumber(message.token_count)}</dd>
            {message.format && (
              <>
                <dt>format</dt>
                <dd>
                  <code>{message.format}</code>
                </dd>
              </>
            )}
          </dl>
          {Object.keys(message.metadata).length > 0 && (
            <pre aria-label="metadata">{JSON.stringify(message.metadata, null, 2)}</pre>
          )}
          {message.data && <pre aria-label="framework data">{prettyJson(message.data)}</pre>}
        </details>
      </footer>
    </article>
  );
}

function Body(props: {
  message: Message;
  parts: ReturnType<typeof messageParts>;
  links: ToolLinks;
}) {
  const { message, parts, links } = props;
  const textShown = message.content !== '' && !looksLikeJson(message.content);
  if (message.kind === 'reasoning') {
    const said = message.content || parts.reasoning.join('\n\n');
    return (
      <details class="reasoning">
        <summary>Reasoning</summary>
        <Markdown text={said} />
      </details>
    );
  }
  if (message.kind === 'compaction') {
    return (
      <details class="reasoning">
        <summary>Summary of earlier messages</summary>
        <Markdown text={message.content} />
      </details>
    );
  }
  const results = [...parts.results.entries()];
  return (
    <div class="message-body">
      {parts.reasoning.length > 0 && (
        <details class="reasoning">
          <summary>Reasoning</summary>
          <Markdown text={parts.reasoning.join('\n\n')} />
        </details>
      )}
      {textShown && results.length === 0 && <Markdown text={message.content} />}
      {parts.calls.map((call) => (
        <ToolCallView key={call.id} call={call} links={links} />
      ))}
      {results.map(([id, output]) => (
        <ToolResultView key={id} callId={id} output={output} links={links} />
      ))}
      {!textShown && parts.calls.length === 0 && results.length === 0 && message.content !== '' && (
        <pre>{message.content}</pre>
      )}
      {message.content === '' &&
        parts.calls.length === 0 &&
        results.length === 0 &&
        parts.attachments.length === 0 &&
        parts.reasoning.length === 0 && (
          <p class="empty">{message.status === 'streaming' ? 'Waiting for text…' : '(no text)'}</p>
        )}
    </div>
  );
}

function ToolCallView({ call, links }: { call: ToolCall; links: ToolLinks }) {
  const result = links.results.get(call.id);
  const output = result?.output ?? call.output;
  return (
    <details class="tool-call" id={`call-${call.id}`} data-tool-call={call.id} open={false}>
      <summary>
        <span class="tool-icon" aria-hidden="true">
          ⚙
        </span>{' '}
        Tool call <strong>{call.name ?? 'tool'}</strong> <code>{call.id}</code>
        <span class={output === undefined ? 'tag warn' : 'tag ok'}>
          {output === undefined ? 'no result yet' : 'answered'}
        </span>
      </summary>
      <h3 class="small">Input</h3>
      <pre data-testid="tool-input">{showValue(call.input) || '(none)'}</pre>
      <h3 class="small">Output</h3>
      {output === undefined ? (
        <p class="empty">No result among the loaded messages.</p>
      ) : (
        <pre data-testid="tool-output">{showValue(output)}</pre>
      )}
      {result && result.seq !== undefined && (
        <button type="button" class="link" onClick={() => focusMessage(result.seq)}>
          Go to the result (message #{result.seq})
        </button>
      )}
    </details>
  );
}

function ToolResultView(props: { callId: string; output: unknown; links: ToolLinks }) {
  const call = props.links.calls.get(props.callId);
  return (
    <details class="tool-result" data-tool-result={props.callId}>
      <summary>
        Result of <strong>{call?.name ?? 'tool'}</strong> <code>{props.callId}</code>
      </summary>
      <pre>{showValue(props.output)}</pre>
      {call && (
        <button type="button" class="link" onClick={() => focusMessage(call.seq)}>
          Go to the call (message #{call.seq})
        </button>
      )}
    </details>
  );
}

function Attachments({ items }: { items: Attachment[] }) {
  return (
    <ul class="attachments" aria-label="Attachments">
      {items.map((item, index) => (
        <li key={index}>
          {item.mediaType?.startsWith('image/') || item.url.startsWith('data:image/') ? (
            <img src={item.url} alt={item.name ?? 'image attached to the message'} loading="lazy" />
          ) : (
            <a
              href={item.url}
              target="_blank"
              rel="noopener noreferrer"
              download={item.name ?? true}
            >
              {item.name ?? 'file'} {item.mediaType && <span class="tag">{item.mediaType}</span>}
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}

export function StatusBadge({ status }: { status: Message['status'] }) {
  if (status === 'complete') return null;
  const text = { streaming: 'streaming…', aborted: 'aborted', error: 'failed' }[status];
  return (
    // Not a live region itself: the conversation announces when a draft ends, once.
    <span class={`status status-${status}`} data-testid="status">
      {text}
    </span>
  );
}

function UsageLine({ usage }: { usage: Usage }) {
  const items: string[] = [];
  if (usage.model) items.push(usage.provider ? `${usage.provider}/${usage.model}` : usage.model);
  if (usage.input_tokens !== undefined) items.push(`${formatNumber(usage.input_tokens)} in`);
  if (usage.output_tokens !== undefined) items.push(`${formatNumber(usage.output_tokens)} out`);
  if (usage.reasoning_tokens) items.push(`${formatNumber(usage.reasoning_tokens)} reasoning`);
  if (usage.cached_input_tokens) items.push(`${formatNumber(usage.cached_input_tokens)} cached`);
  if (usage.latency_ms !== undefined) items.push(formatMs(usage.latency_ms));
  if (usage.finish_reason) items.push(`finish: ${usage.finish_reason}`);
  return (
    <span class="usage" data-testid="usage">
      {items.join(' · ')}
    </span>
  );
}

function focusMessage(seq: number) {
  const target = document.getElementById(`m-${seq}`);
  if (!target) return;
  target.scrollIntoView({ block: 'center', behavior: 'smooth' });
  target.querySelectorAll('details.tool-result, details.tool-call').forEach((details) => {
    (details as HTMLDetailsElement).open = true;
  });
  target.focus({ preventScroll: true });
}

function looksLikeJson(text: string): boolean {
  return /^\s*[[{]/.test(text) && /[\]}]\s*$/.test(text);
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
