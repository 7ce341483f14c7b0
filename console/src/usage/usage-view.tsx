import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, describeError, query, type Role } from '../api.js';
import { addDays, daysBetween, formatMs, formatNumber, isoDay } from '../format.js';
import type { UsageRow } from '../types.js';
import { BarChart } from './bar-chart.js';
import { TimeChart, type ChartSeries } from './time-chart.js';
import { PageHeading } from '../page-heading.js';

const COLORS = {
  messages: '#2f6fde',
  sessions: '#d9822b',
  active: '#2b9d6b',
  users: '#8a4fd3',
  p50: '#2f6fde',
  p95: '#d64545',
  input: '#2f6fde',
  output: '#d9822b',
};

const PRESETS = [7, 30, 90, 365];
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

interface Report {
  days: UsageRow[];
  models: UsageRow[];
  agents: UsageRow[];
}

/** Usage over a chosen range: the caller's own (a user's key) or everyone's (the admin token). */
export function UsageView({ role }: { role: Role }) {
  const today = isoDay(new Date());
  const [range, setRange] = useState({ from: addDays(today, -29), to: today });
  const [report, setReport] = useState<Report | null>(null);
  /** The admin's view of one user only (empty: everyone). */
  const [user, setUser] = useState('');
  const [error, setError] = useState('');
  const endpoint = role === 'admin' ? '/v1/admin/usage' : '/v1/usage';
  const to = addDays(range.to, 1); // the API's end is exclusive; the form's is the last day shown

  useEffect(() => {
    let cancelled = false;
    const ask = (group: string) =>
      api<{ rows: UsageRow[] }>(
        `${endpoint}${query({
          from: range.from,
          to,
          group_by: group,
          time_zone: TIME_ZONE,
          user_id: role === 'admin' ? user : undefined,
        })}`,
      ).then((answer) => answer.rows);
    setError('');
    Promise.all([ask('day'), ask('model'), ask('agent')])
      .then(([days, models, agents]) => !cancelled && setReport({ days, models, agents }))
      .catch((failure) => {
        if (cancelled) return;
        setReport(null);
        setError(
          failure instanceof ApiError && failure.status === 501
            ? 'This store (redis) keeps no history to report on.'
            : describeError(failure),
        );
      });
    return () => {
      cancelled = true;
    };
  }, [endpoint, range.from, range.to, user]);

  const days = useMemo(() => daysBetween(range.from, to), [range.from, to]);
  const byDay = useMemo(() => {
    const rows = new Map((report?.days ?? []).map((row) => [row.day!, row]));
    const column = (pick: (row: UsageRow) => number | null, missing: number | null = 0) =>
      days.map((day) => {
        const row = rows.get(day);
        return row ? pick(row) : missing;
      });
    return { column };
  }, [report, days]);

  const activity: ChartSeries[] = useMemo(
    () => [
      {
        label: 'messages',
        values: byDay.column((row) => row.messages),
        color: COLORS.messages,
        fill: true,
      },
      {
        label: 'sessions started',
        values: byDay.column((row) => row.sessions),
        color: COLORS.sessions,
        dashed: true,
      },
      {
        label: 'active sessions',
        values: byDay.column((row) => row.active_sessions),
        color: COLORS.active,
      },
    ],
    [byDay],
  );
  const users: ChartSeries[] = useMemo(
    () => [
      {
        label: 'active users',
        values: byDay.column((row) => row.active_users),
        color: COLORS.users,
        fill: true,
      },
    ],
    [byDay],
  );
  const latency: ChartSeries[] = useMemo(
    () => [
      {
        label: 'p50 ms',
        values: byDay.column((row) => row.latency_p50_ms, null),
        color: COLORS.p50,
      },
      {
        label: 'p95 ms',
        values: byDay.column((row) => row.latency_p95_ms, null),
        color: COLORS.p95,
      },
    ],
    [byDay],
  );
  const totals = (report?.days ?? []).reduce(
    (sum, row) => ({
      messages: sum.messages + row.messages,
      sessions: sum.sessions + row.sessions,
      tokens: sum.tokens + row.input_tokens + row.output_tokens,
    }),
    { messages: 0, sessions: 0, tokens: 0 },
  );

  return (
    <>
      <PageHeading>
        {role === 'admin' ? (user ? `Usage of ${user}` : 'Usage of everyone') : 'Your usage'}
      </PageHeading>
      <form class="range" aria-label="Range" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>From</span>
          <input
            type="date"
            value={range.from}
            max={range.to}
            onChange={(event) =>
              event.currentTarget.value && setRange({ ...range, from: event.currentTarget.value })
            }
          />
        </label>
        <label>
          <span>To (inclusive)</span>
          <input
            type="date"
            value={range.to}
            min={range.from}
            onChange={(event) =>
              event.currentTarget.value && setRange({ ...range, to: event.currentTarget.value })
            }
          />
        </label>
        <div class="presets" role="group" aria-label="Last days">
          {PRESETS.map((count) => (
            <button
              type="button"
              key={count}
              class="quiet"
              aria-pressed={range.to === today && range.from === addDays(today, -(count - 1))}
              onClick={() => setRange({ from: addDays(today, -(count - 1)), to: today })}
            >
              {count} days
            </button>
          ))}
        </div>
        {role === 'admin' && (
          <label>
            <span>User (empty: everyone)</span>
            <input
              type="text"
              defaultValue={user}
              placeholder="user id"
              onChange={(event) => setUser(event.currentTarget.value.trim())}
            />
          </label>
        )}
        <span class="help">Days in {TIME_ZONE}</span>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!report && !error && <p role="status">Loading…</p>}
      {report && (
        <>
          <dl class="totals" aria-label="Totals of the range">
            <div>
              <dt>Messages</dt>
              <dd data-testid="total-messages">{formatNumber(totals.messages)}</dd>
            </div>
            <div>
              <dt>Sessions started</dt>
              <dd>{formatNumber(totals.sessions)}</dd>
            </div>
            <div>
              <dt>Tokens (in + out)</dt>
              <dd>{formatNumber(totals.tokens)}</dd>
            </div>
          </dl>
          <div class="charts">
            <TimeChart
              id="activity"
              title="Messages and sessions per day"
              days={days}
              series={activity}
            />
            {role === 'admin' && (
              <TimeChart
                id="active-users"
                title="Active users per day"
                days={days}
                series={users}
              />
            )}
            <TimeChart
              id="latency"
              title="Latency per day (messages with a latency)"
              days={days}
              series={latency}
              format={formatMs}
            />
            <BarChart
              id="tokens-by-model"
              title="Tokens by model"
              stacks={[
                { label: 'input', color: COLORS.input },
                { label: 'output', color: COLORS.output },
              ]}
              bars={tokenBars(report.models, (row) => row.model ?? '(no model)')}
              empty="No tokens in this range."
            />
            <BarChart
              id="tokens-by-agent"
              title="Tokens by agent"
              stacks={[
                { label: 'input', color: COLORS.input },
                { label: 'output', color: COLORS.output },
              ]}
              bars={tokenBars(report.agents, (row) => row.agent_id ?? '(no agent)')}
              empty="No tokens in this range."
            />
          </div>
        </>
      )}
    </>
  );
}

function tokenBars(rows: UsageRow[], name: (row: UsageRow) => string) {
  return rows
    .map((row) => ({
      label: name(row),
      values: [row.input_tokens, row.output_tokens],
    }))
    .sort((a, b) => b.values[0]! + b.values[1]! - (a.values[0]! + a.values[1]!));
}
