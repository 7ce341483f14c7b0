import { useEffect, useState } from 'preact/hooks';
import { formatNumber } from '../format.js';
import { HEALTH_LABELS, parseStoreHealth, type StoreHealth } from './store-health.js';

/** /readyz and the store's cache and write-behind figures from /metrics, every 5 seconds. */
export function StoreHealthPanel() {
  const [ready, setReady] = useState<{ status: string; store?: string } | null>(null);
  const [health, setHealth] = useState<StoreHealth | null>(null);
  const [checked, setChecked] = useState<Date | null>(null);
  const check = async () => {
    const answer = await fetch('/readyz');
    const body = (await answer.json().catch(() => ({}))) as {
      status?: string;
      store?: string;
      error?: { message?: string };
    };
    setReady({
      status: answer.ok ? (body.status ?? 'ready') : (body.error?.message ?? 'not ready'),
      ...(body.store && { store: body.store }),
    });
    const metrics = await fetch('/metrics');
    setHealth(metrics.ok ? parseStoreHealth(await metrics.text()) : null);
    setChecked(new Date());
  };
  useEffect(() => {
    void check();
    const timer = setInterval(() => void check(), 5000);
    return () => clearInterval(timer);
  }, []);
  const entries = [...(health?.values ?? new Map<string, number>()).entries()].filter(
    ([key]) => HEALTH_LABELS[key],
  );
  return (
    <section class="panel" aria-labelledby="health-heading">
      <h2 id="health-heading">Store health</h2>
      {ready && (
        <p data-testid="readiness">
          <span class={ready.status === 'ready' ? 'tag ok' : 'tag warn'}>{ready.status}</span>{' '}
          {ready.store && (
            <>
              store <strong>{ready.store}</strong>
            </>
          )}
        </p>
      )}
      {entries.length > 0 ? (
        <dl class="health" data-testid="store-health">
          {entries.map(([key, value]) => (
            <div key={key}>
              <dt>{HEALTH_LABELS[key]}</dt>
              <dd>{formatNumber(value)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p class="help">No cache and no write-behind queue: only the hybrid store has them.</p>
      )}
      {checked && <p class="help">Checked {checked.toLocaleTimeString()}, every 5 seconds.</p>}
    </section>
  );
}
