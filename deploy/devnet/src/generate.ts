/**
 * Writes (or with --check, compares) every file generated from the service list:
 * `pnpm --filter @zkseq/devnet run generate [--check]`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { composeFile, deployPackageScript, devnetToolsDockerfile, serviceDockerfile } from './docker';
import { baseFiles } from './k8s/base';
import { grafanaDashboard, grafanaProvisioning, prometheusConfig } from './observability';
import { SERVICES } from './services';

/** Repository-relative path → content. */
export function generatedFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const s of SERVICES) files[`deploy/docker/${s.name}.Dockerfile`] = serviceDockerfile(s);
  files['deploy/docker/devnet-tools.Dockerfile'] = devnetToolsDockerfile();
  files['deploy/docker/deploy-package.sh'] = deployPackageScript();
  files['deploy/docker/compose.yaml'] = composeFile();
  files['deploy/observability/prometheus/devnet.yml'] = prometheusConfig((s) => `127.0.0.1:${s.ports.metrics}`, 'Scrape config of the local devnet (pnpm devnet, fixed ports).');
  files['deploy/observability/prometheus/compose.yml'] = prometheusConfig((s) => `${s.name}:${s.ports.metrics}`, 'Scrape config of deploy/docker/compose.yaml (profile "observability").');
  files['deploy/observability/grafana/dashboards/zkseq.json'] = `${JSON.stringify(grafanaDashboard(), null, 2)}\n`;
  const prov = grafanaProvisioning();
  files['deploy/observability/grafana/provisioning/datasources/prometheus.yml'] = prov.datasource;
  files['deploy/observability/grafana/provisioning/dashboards/zkseq.yml'] = prov.dashboards;
  Object.assign(files, baseFiles());
  return files;
}

/** Files whose committed content differs from the generated one (missing files included). */
export function staleFiles(root: string): string[] {
  return Object.entries(generatedFiles())
    .filter(([path, content]) => !existsSync(join(root, path)) || readFileSync(join(root, path), 'utf8') !== content)
    .map(([path]) => path);
}

if (require.main === module) {
  const root = resolve(__dirname, '../../..');
  if (process.argv.includes('--check')) {
    const stale = staleFiles(root);
    if (stale.length > 0) {
      process.stderr.write(`out of date (run pnpm --filter @zkseq/devnet run generate): ${stale.join(', ')}\n`);
      process.exit(1);
    }
    process.stdout.write('generated files are up to date\n');
  } else {
    for (const [path, content] of Object.entries(generatedFiles())) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content, path.endsWith('.sh') ? { mode: 0o755 } : {});
    }
    process.stdout.write(`wrote ${Object.keys(generatedFiles()).length} files\n`);
  }
}
