import { Session } from 'node:inspector/promises';

/** Where a profile's self time went: by package or source folder, and the busiest functions. */
export interface ProfileSummary {
  /** Busy time sampled (idle excluded: a c=1 append mostly waits for the server). */
  totalMs: number;
  /** Share of the wall time the process was idle. */
  idleShare: number;
  byPlace: Array<{ place: string; share: number }>;
  topFunctions: Array<{ name: string; place: string; share: number }>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Runs `work` under V8's sampling profiler (what `node --cpu-prof` records) and summarises the
 * samples, so that the append path's client side is judged by where its time goes, in the same
 * run that measures it.
 */
export async function profileCpu(work: () => Promise<void>): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    try {
      await work();
    } catch (error) {
      await session.post('Profiler.stop');
      throw error;
    }
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    return summarize(profile);
  } finally {
    session.disconnect();
  }
}

function summarize(profile: Profile): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, { name: string; place: string; us: number }>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id)!.callFrame;
    const us = profile.timeDeltas[i] ?? 0;
    if (frame.functionName === '(idle)') {
      idle += us;
      return;
    }
    total += us;
    const place = placeOf(frame.url, frame.functionName);
    const key = `${frame.functionName}@${frame.url}:${frame.lineNumber}`;
    const entry = byFunction.get(key) ?? {
      name: frame.functionName || '(anonymous)',
      place,
      us: 0,
    };
    entry.us += us;
    byFunction.set(key, entry);
  });
  const byPlace = new Map<string, number>();
  for (const { place, us } of byFunction.values())
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  const share = (us: number) => (total > 0 ? us / total : 0);
  return {
    totalMs: total / 1000,
    idleShare: total + idle > 0 ? idle / (total + idle) : 0,
    byPlace: [...byPlace]
      .map(([place, us]) => ({ place, share: share(us) }))
      .sort((a, b) => b.share - a.share),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, 12)
      .map(({ name, place, us }) => ({ name, place, share: share(us) })),
  };
}

/** A package name, a convstore source folder (src/stores/sql), node's internals or V8's own. */
function placeOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const source = /\/src\/(.+)\/[^/]+$/.exec(url);
  if (source) return `src/${source[1]}`;
  if (url.startsWith('node:')) return 'node';
  return url.startsWith('wasm:') ? 'wasm' : 'other';
}
