// Runs autocannon in a worker thread, so that the load generator does not share the event loop of
// the service it measures (which runs in the bench's main thread).
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

/** What the main thread asks for: one operation against one running service. */
export interface LoadRequest {
  url: string;
  token: string;
  operation: 'add' | 'read_last_50';
  connections: number;
  seconds: number;
  /** Session ids the requests rotate through (all the token's user's). */
  sessions: string[];
  /** Request bodies for appends, used in turn. */
  bodies: string[];
}

export interface LoadReport {
  latencies: number[];
  seconds: number;
  non2xx: number;
  errors: number;
}

async function run(request: LoadRequest): Promise<LoadReport> {
  let n = 0;
  const latencies: number[] = [];
  let non2xx = 0;
  const path = (session: string) =>
    request.operation === 'add'
      ? `/v1/sessions/${session}/messages`
      : `/v1/sessions/${session}/messages?last=50`;
  const started = performance.now();
  let finish: (result: autocannon.Result) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const options: autocannon.Options = {
    url: request.url,
    connections: request.connections,
    duration: request.seconds,
    headers: {
      authorization: `Bearer ${request.token}`,
      'content-type': 'application/json',
    },
    requests: [
      {
        method: request.operation === 'add' ? 'POST' : 'GET',
        setupRequest: (req) => {
          const i = n++;
          const session = request.sessions[i % request.sessions.length]!;
          const next = { ...req, path: path(session) };
          if (request.operation === 'add') next.body = request.bodies[i % request.bodies.length]!;
          return next;
        },
      },
    ],
  };
  const instance = autocannon(options, (error, result) => (error ? fail(error) : finish(result)));
  instance.on('response', (_client, status, _bytes, responseTime) => {
    if (status >= 200 && status < 300) latencies.push(responseTime);
    else non2xx++;
  });
  const result = await finished;
  return {
    latencies,
    seconds: (performance.now() - started) / 1000,
    non2xx,
    errors: result.errors + result.timeouts,
  };
}

if (parentPort) {
  const port = parentPort;
  run(workerData as LoadRequest).then(
    (report) => port.postMessage({ report }),
    (error: unknown) => port.postMessage({ error: String(error) }),
  );
}
