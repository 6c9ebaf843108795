import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from '@zkseq/service';
import type { HashDbStats } from '@zkseq/smt';

export type HashDbMetrics = {
  calls: Counter<'method' | 'status'>;
  latency: Histogram<'method'>;
};

/** Every metric of the hashdb service. Tree counters are read from the HashDb's running totals at scrape time. */
export function createMetrics(registry: Registry, stats: HashDbStats, backend: { cachedNodes: number; dbReads: number }): HashDbMetrics {
  const calls = new Counter({ name: 'hashdb_grpc_calls_total', help: 'gRPC calls by method and status code', labelNames: ['method', 'status'], registers: [registry] });
  const latency = new Histogram({ name: 'hashdb_grpc_latency_seconds', help: 'gRPC call latency by method', labelNames: ['method'], buckets: latencyBuckets, registers: [registry] });
  const total = (name: string, help: string, read: () => number) => {
    let last = 0;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const v = read();
        this.inc(v - last);
        last = v;
      },
    });
  };
  total('hashdb_nodes_written_total', 'tree nodes written (leaves, branches, values)', () => stats.nodesWritten);
  total('hashdb_hashes_total', 'Poseidon permutations computed for the tree', () => stats.hashes);
  total('hashdb_nodes_loaded_total', 'tree nodes looked up (cache or LevelDB)', () => stats.nodesLoaded);
  total('hashdb_db_reads_total', 'tree nodes read from LevelDB (cache misses)', () => backend.dbReads);
  new Gauge({ name: 'hashdb_cached_nodes', help: 'tree nodes held in the memory cache', registers: [registry], collect() { this.set(backend.cachedNodes); } });
  return { calls, latency };
}
