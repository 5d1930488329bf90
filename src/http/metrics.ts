import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RollerStep } from '../core/analytics/roller.js';
import type { CommitDone } from '../core/clicks/click-recorder.js';

/** Prometheus metrics of one app instance (own registry, so tests can run several). */
export class HttpMetrics {
  readonly registry = new Registry();
  readonly redirects = new Counter({
    name: 'linkpulse_redirects_total', help: 'Redirect requests answered, by status', labelNames: ['status'], registers: [this.registry],
  });
  readonly clicksStored = new Counter({
    name: 'linkpulse_clicks_stored_total', help: 'Clicks committed to the database', registers: [this.registry],
  });
  readonly orphanVisits = new Counter({
    name: 'linkpulse_orphan_visits_total',
    help: 'Requests no link answered: stored, or past the cap and only counted (dropped)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'linkpulse_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly commitDuration = new Histogram({
    name: 'linkpulse_click_commit_seconds',
    help: 'Group commits of clicks: time to write and commit one batch (redirects wait for it)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly commitSize = new Histogram({
    name: 'linkpulse_click_commit_clicks', help: 'Group commits of clicks: clicks per batch',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 500], registers: [this.registry],
  });
  readonly rollupStepDuration = new Histogram({
    name: 'linkpulse_rollup_step_seconds',
    help: 'Roller steps that rolled clicks up: wall time, waits for the database and the event loop included',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly rolledUp = new Counter({
    name: 'linkpulse_rollup_clicks_total', help: 'Clicks rolled up by this process', registers: [this.registry],
  });
  readonly rollupBehind = new Gauge({
    name: 'linkpulse_rollup_behind_clicks',
    help: 'At the last step that rolled clicks up: click ids past the watermark (at most this many clicks were not rolled up yet)',
    registers: [this.registry],
  });

  // prom-client hashes label values on every call: the redirect path keeps its children.
  private readonly redirectChildren = new Map<string, { counted: Counter.Internal; timed: Histogram.Internal<string> }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'linkpulse_' });
  }

  committed({ clicks, seconds }: CommitDone): void {
    this.commitDuration.observe(seconds);
    this.commitSize.observe(clicks);
  }

  stepped({ clicks, seconds, behind }: RollerStep): void {
    this.rollupStepDuration.observe(seconds);
    this.rolledUp.inc(clicks);
    this.rollupBehind.set(behind);
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
