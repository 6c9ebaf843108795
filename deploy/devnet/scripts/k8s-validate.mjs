#!/usr/bin/env node
// Validates Kubernetes resources (a JSON array on stdin) with the OpenAPI-derived validators of
// kubernetes-models (ESM only, hence this script beside the CommonJS package); prints a JSON
// array of { resource, message } findings. Used by src/k8s/validate.ts.
import { readFileSync } from 'node:fs';

const docs = JSON.parse(readFileSync(0, 'utf8'));

function modulePath(apiVersion, kind) {
  if (apiVersion === 'monitoring.coreos.com/v1') return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`;
  return apiVersion.includes('/') ? `kubernetes-models/${apiVersion}/${kind}` : `kubernetes-models/${apiVersion}/${kind}`;
}

const findings = [];
for (const doc of docs) {
  const resource = `${doc.kind}/${doc.metadata?.namespace ?? '-'}/${doc.metadata?.name}`;
  let Model;
  try {
    Model = (await import(modulePath(doc.apiVersion, doc.kind)))[doc.kind];
  } catch (err) {
    findings.push({ resource, message: `no schema for ${doc.apiVersion} ${doc.kind}: ${err.message}` });
    continue;
  }
  try {
    new Model(doc).validate();
  } catch (err) {
    const details = (err.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    findings.push({ resource, message: details || err.message });
  }
}
process.stdout.write(JSON.stringify(findings));
