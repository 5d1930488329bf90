import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance (own registry, so tests can run several). */
export class HttpMetrics {
  readonly registry = new Registry();
  readonly redirects = new Counter({
    name: 'linkpulse_redirects_total', help: 'Redirect requests answered, by status', labelNames: ['status'], registers: [this.registry],
  });
  readonly clicksStored = new Counter({
    name: 'linkpulse_clicks_stored_total', help: 'Clicks committed to the database', registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'linkpulse_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  // prom-client hashes label values on every call: the redirect path keeps its children.
  private readonly redirectChildren = new Map<string, { counted: Counter.Internal; timed: Histogram.Internal<string> }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'linkpulse_' });
  }

  /** Counts one answered redirect and, when given, its duration. */
  redirected(method: string, status: number, seconds?: number): void {
    const key = `${method} ${status}`;
    let children = this.redirectChildren.get(key);
    if (!children) {
      children = { counted: this.redirects.labels({ status }), timed: this.requestDuration.labels({ method, route: '/:code', status }) };
      this.redirectChildren.set(key, children);
    }
    children.counted.inc();
    if (seconds !== undefined) children.timed.observe(seconds);
  }
}
