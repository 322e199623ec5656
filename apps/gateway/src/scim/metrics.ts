// In-process SCIM metrics, exported at GET /metrics in the Prometheus text format (per replica;
// Prometheus sums replicas). The one that matters: how long from an IdP's `active=false` or DELETE
// arriving to the last session of that user being revoked — the same transaction, so one request.

const DEPROVISION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private total = 0;

  constructor(readonly buckets: readonly number[]) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.total += 1;
    const at = this.buckets.findIndex((b) => value <= b);
    if (at >= 0) this.counts[at] = (this.counts[at] ?? 0) + 1;
  }

  /** Cumulative `_bucket` lines, then `_sum` and `_count`. */
  lines(name: string): string[] {
    let running = 0;
    const out = this.buckets.map((b, i) => {
      running += this.counts[i] ?? 0;
      return `${name}_bucket{le="${b}"} ${running}`;
    });
    out.push(
      `${name}_bucket{le="+Inf"} ${this.total}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.total}`,
    );
    return out;
  }
}

export class ScimMetrics {
  private readonly deprovision = new Histogram(DEPROVISION_BUCKETS);
  private readonly sessionsRevoked = { value: 0 };
  private readonly requests = new Map<string, number>();

  /** Seconds from the deprovisioning request's arrival to its commit (sessions revoked with it). */
  observeDeprovision(seconds: number, sessionsRevoked: number): void {
    this.deprovision.observe(seconds);
    this.sessionsRevoked.value += sessionsRevoked;
  }

  observeRequest(method: string, status: number): void {
    const key = `method="${method}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  render(): string {
    return [
      '# HELP gatehouse_scim_deprovision_seconds Time from a SCIM deprovisioning request (active=false or DELETE) arriving to the user’s last session revoked.',
      '# TYPE gatehouse_scim_deprovision_seconds histogram',
      ...this.deprovision.lines('gatehouse_scim_deprovision_seconds'),
      '# HELP gatehouse_scim_deprovision_sessions_revoked_total Sessions revoked by SCIM deprovisioning.',
      '# TYPE gatehouse_scim_deprovision_sessions_revoked_total counter',
      `gatehouse_scim_deprovision_sessions_revoked_total ${this.sessionsRevoked.value}`,
      '# HELP gatehouse_scim_requests_total SCIM requests answered, by method and status.',
      '# TYPE gatehouse_scim_requests_total counter',
      ...[...this.requests].map(([labels, n]) => `gatehouse_scim_requests_total{${labels}} ${n}`),
      '',
    ].join('\n');
  }
}
