import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from '../api.js';
import { formatTime } from '../format.js';
import type { Agent } from '../types.js';

/** The shared agent catalogue: list, create or replace. */
export function AgentsPanel() {
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [form, setForm] = useState({ agent_id: '', name: '', model: '' });
  const [error, setError] = useState('');
  const load = () =>
    api<{ agents: Agent[] }>('/v1/agents')
      .then((answer) => setAgents(answer.agents))
      .catch((failure) => setError(describeError(failure)));
  useEffect(() => void load(), []);
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await api('/v1/admin/agents', {
        method: 'POST',
        body: {
          agent_id: form.agent_id.trim(),
          ...(form.name.trim() && { name: form.name.trim() }),
          ...(form.model.trim() && { model: form.model.trim() }),
        },
      });
      setForm({ agent_id: '', name: '', model: '' });
      setError('');
      await load();
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  const field = (key: keyof typeof form, label: string, required = false) => (
    <label class="inline">
      <span>{label}</span>
      <input
        value={form[key]}
        required={required}
        onInput={(event) => setForm({ ...form, [key]: event.currentTarget.value })}
      />
    </label>
  );
  return (
    <section class="panel" aria-labelledby="agents-heading">
      <h2 id="agents-heading">Agents</h2>
      {agents?.length === 0 && <p class="empty">The catalogue is empty.</p>}
      <ul class="plain" data-testid="agents">
        {agents?.map((agent) => (
          <li key={agent.agent_id}>
            <code>{agent.agent_id}</code> {agent.name && <span>{agent.name}</span>}{' '}
            {agent.model && <span class="tag">{agent.model}</span>}{' '}
            <span class="help">updated {formatTime(agent.updated_at)}</span>
          </li>
        ))}
      </ul>
      <form class="stack" onSubmit={save} aria-label="Create or replace an agent">
        {field('agent_id', 'Agent id', true)}
        {field('name', 'Name')}
        {field('model', 'Model')}
        <button type="submit">Save agent</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
